"""The compliance page: who has reported a month, its gaps, its download and who may open it."""
import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import person
from tests.helpers import page_html, text_of
from tracker.okrs.models import Okr, Project
from tracker.org.models import District, Role, Unit
from tracker.reporting.compliance import Cell, Matrix, default_month
from tracker.reporting.models import Reminder
from tracker.targets.models import Allocation, ClosedMonth, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
MAY = datetime.date(2024, 5, 1)
URL = "/compliance/2024-06/"
TODAY = datetime.date(2024, 6, 25)


def report_june(code, target="ENV-WASTE-POINTS", state="submitted", value=3):
    reporter = get_user_model().objects.filter(username=f"reporter-{code}").first() or person(
        f"reporter-{code}", (code, Role.REPORTER),
    )
    return record_result(
        target=Target.objects.get(code=target), unit=Unit.objects.get(code=code), period=JUNE, value=value,
        state=state, by=reporter,
    )


def column(matrix, code):
    return next(c for c in matrix.columns if c.target.code == code)


def cell(matrix, unit_code, target_code):
    row = next(r for r in matrix.rows if r.unit.code == unit_code)
    return dict(row.keyed)[target_code]


@pytest.fixture
def coordinator(client, people):
    client.force_login(people["coordinator"])
    return client


# The matrix.

def test_waste_points_june_has_50_districts_allocated_and_none_reported():
    matrix = Matrix(JUNE, TODAY)
    points = column(matrix, "ENV-WASTE-POINTS")
    assert (points.allocated, points.reported, points.missing) == (50, 0, 50)
    assert len(matrix.rows) == 50
    assert {c.target.code for c in matrix.columns} >= {"ENV-WASTE-POINTS", "ENV-TREES"}
    assert all(c.target.districts_carry for c in matrix.columns)


def test_a_submitted_result_makes_it_1_of_50_and_49_missing(people):
    report_june("1001")
    matrix = Matrix(JUNE, datetime.date.today())
    points = column(matrix, "ENV-WASTE-POINTS")
    assert (points.reported, points.allocated, points.missing) == (1, 50, 49)
    assert cell(matrix, "1001", "ENV-WASTE-POINTS") == Cell.SUBMITTED
    assert cell(matrix, "1002", "ENV-WASTE-POINTS") == Cell.MISSING
    missing = matrix.missing_by_unit()
    assert len([u for u, items in missing.items() if any(t.code == "ENV-WASTE-POINTS" for t, _c in items)]) == 49


def test_drafts_and_returned_results_are_not_reported(people):
    report_june("1001", state="draft")
    report_june("1002")
    record_result(
        target=Target.objects.get(code="ENV-WASTE-POINTS"), unit=Unit.objects.get(code="1002"), period=JUNE,
        value=3, state="returned", comment="check", by=people["host_verifier"],
    )
    matrix = Matrix(JUNE, datetime.date.today())
    assert cell(matrix, "1001", "ENV-WASTE-POINTS") == Cell.DRAFT
    assert cell(matrix, "1002", "ENV-WASTE-POINTS") == Cell.RETURNED
    assert column(matrix, "ENV-WASTE-POINTS").reported == 0


def test_may_is_verified_everywhere_but_the_waste_points_no_one_reports_yet():
    matrix = Matrix(MAY, TODAY)
    assert (matrix.reported, matrix.allocated) == (250, 300)
    for c in matrix.columns:
        assert c.reported == (0 if c.target.code == "ENV-WASTE-POINTS" else 50)
    assert {c for r in matrix.rows for c in r.cells} == {Cell.VERIFIED, Cell.MISSING}


def test_the_matrix_is_read_as_of_its_date(people, clock):
    clock(2024, 6, 20, 9)
    report_june("1001")
    assert column(Matrix(JUNE, datetime.date(2024, 6, 19)), "ENV-WASTE-POINTS").reported == 0
    assert column(Matrix(JUNE, datetime.date(2024, 6, 20)), "ENV-WASTE-POINTS").reported == 1


def test_the_page_is_read_as_of_its_date(coordinator, people, clock):
    clock(2024, 6, 20, 9)
    report_june("1001")
    clock(2024, 6, 25, 9)
    before = page_html(coordinator, URL + "?as_of=2024-06-19")
    after = page_html(coordinator, URL + "?as_of=2024-06-21")
    assert 'data-count="ENV-WASTE-POINTS">0 / 50<' in before
    assert 'data-count="ENV-WASTE-POINTS">1 / 50<' in after
    assert 'id="id_as_of"' in after  # the as-of bar


def test_a_district_without_an_allocation_is_listed_and_its_cell_says_so():
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    Allocation.objects.filter(target=points, unit__code="1050").delete()
    matrix = Matrix(JUNE, datetime.date.today())
    assert cell(matrix, "1050", "ENV-WASTE-POINTS") == Cell.NO_ALLOCATION
    assert [u.code for u in column(matrix, "ENV-WASTE-POINTS").unallocated] == ["1050"]
    assert column(matrix, "ENV-WASTE-POINTS").allocated == 49


def test_districts_without_a_bound_okr_are_listed_until_one_is_bound():
    assert len(column(Matrix(JUNE, TODAY), "ENV-WASTE-POINTS").unbound) == 50  # no district has an OKR in the demo
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    okr = Okr.objects.create(
        code="OKR-1001-POINTS", unit=Unit.objects.get(code="1001"), target=points, fiscal_year=2567,
        name_th="จุดทิ้งขยะกลางในหมู่บ้าน",
    )
    assert len(column(Matrix(JUNE, TODAY), "ENV-WASTE-POINTS").unbound) == 50  # an OKR with no project
    Project.objects.filter(unit__code="ENV").first().okrs.add(okr)
    unbound = column(Matrix(JUNE, TODAY), "ENV-WASTE-POINTS").unbound
    assert len(unbound) == 49 and "1001" not in {u.code for u in unbound}


def test_the_page_shows_the_counts_and_the_gaps(coordinator):
    html = page_html(coordinator, URL, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-count="ENV-WASTE-POINTS">0 / 50<' in html
    assert html.count('<tr data-unit="') == 50
    text = text_of(html)
    assert "0 / 50 districts reported." in text
    assert "50 districts have no OKR bound to a project for this target." in text


def test_it_filters_by_host_bureau_and_zone(coordinator):
    zone = District.objects.get(code="1001").zone_id
    zone_size = District.objects.filter(zone=zone).count()
    html = page_html(coordinator, f"{URL}?bureau=ENV&zone={zone}")
    assert html.count('<tr data-unit="') == zone_size
    assert f'data-count="ENV-WASTE-POINTS">0 / {zone_size}<' in html


def test_compliance_without_a_month_opens_the_latest_open_month(coordinator):
    response = coordinator.get("/compliance/")
    assert response.status_code == 302
    assert response["Location"] == f"/compliance/{default_month():%Y-%m}/"
    # Demo data: FY 2567 has ended and October – May are closed, so September 2024 is the latest open month.
    assert default_month() == datetime.date(2024, 9, 1)
    assert default_month(datetime.date(2024, 6, 10)) == JUNE
    ClosedMonth.objects.create(period=JUNE)
    assert default_month(datetime.date(2024, 6, 10)) == MAY  # every month begun is closed: last month


def test_a_be_month_in_the_address_works(coordinator):
    assert 'data-count="ENV-WASTE-POINTS">0 / 50<' in page_html(coordinator, "/compliance/2567-06/")


# Who may open it.

@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("viewer", 403), ("reporter", 403), ("other_reporter", 403),
    ("host_verifier", 200), ("other_verifier", 200), ("coordinator", 200), ("admin", 200),
])
def test_who_may_open_the_page(client, people, who, status):
    if people[who]:
        client.force_login(people[who])
    response = client.get(URL)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_a_verifier_of_cle_sees_no_env_target(client, people):
    client.force_login(people["other_verifier"])
    html = client.get(URL).content.decode()
    assert "ENV-WASTE-POINTS" not in html and 'data-count="ENV-' not in html
    assert 'data-count="ENV-' not in client.get(URL + "?bureau=ENV").content.decode()
    assert "ENV-" not in client.get(URL + "?_export=csv&bureau=ENV").content.decode()
    client.force_login(people["host_verifier"])
    assert 'data-count="ENV-WASTE-POINTS"' in page_html(client, URL)


# The download.

def test_the_csv_has_fixed_keys_and_one_row_per_cell_without_html(coordinator):
    response = coordinator.get(URL + "?_export=csv", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["district_code", "target_code", "month", "state"]
    assert len(rows) == 50 * len({r["target_code"] for r in rows})
    points = [r for r in rows if r["target_code"] == "ENV-WASTE-POINTS"]
    assert {r["state"] for r in points} == {"missing"} and {r["month"] for r in points} == {"2024-06"}
    assert not any("<" in value for r in rows for value in r.values())


def test_the_xlsx_download_answers(coordinator):
    response = coordinator.get(URL + "?_export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# Queries.

def test_the_page_runs_a_constant_number_of_queries(coordinator, people, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        page_html(coordinator, URL)
    with CaptureQueriesContext(connection) as before:
        page_html(coordinator, URL)
    for code in ("1001", "1002", "1003"):
        report_june(code)
    report_june("1004", state="draft")
    Reminder.objects.create(unit=Unit.objects.get(code="1005"), month=JUNE, recipients="a@example.org", missing="X")
    with CaptureQueriesContext(connection) as after:
        html = page_html(coordinator, URL)
    assert 'data-count="ENV-WASTE-POINTS">3 / 50<' in html
    assert len(after) == len(before)


# The bureau page links to it.

def test_the_bureau_page_links_the_counts_for_those_allowed(client, people, clock, django_assert_max_num_queries):
    clock(2024, 6, 20, 9)
    report_june("1001")
    clock(2024, 6, 25, 9)
    url = "/bureaus/ENV/?as_of=2024-06-25"
    client.force_login(people["coordinator"])
    with django_assert_max_num_queries(22):  # with the comparison since the 7 June meeting
        html = page_html(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-compliance="ENV-WASTE-POINTS"' in html
    assert "/compliance/2024-06/?bureau=ENV&amp;as_of=2024-06-25" in html
    assert "Who has reported Jun 2024: 1 / 50" in text_of(html)
    # The same count as the compliance page's.
    assert 'data-count="ENV-WASTE-POINTS">1 / 50<' in page_html(client, URL + "?as_of=2024-06-25")
    client.force_login(people["host_verifier"])
    assert 'data-compliance="ENV-WASTE-POINTS"' in page_html(client, url)
    client.force_login(people["other_verifier"])
    assert "data-compliance=" not in page_html(client, url)
    client.logout()
    assert "data-compliance=" not in page_html(client, url)


def test_the_overview_links_the_counts_for_those_allowed(client, people, clock):
    clock(2024, 6, 20, 9)
    report_june("1001")
    clock(2024, 6, 25, 9)
    url = "/?as_of=2024-06-25"
    client.force_login(people["coordinator"])
    html = page_html(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert "/compliance/2024-06/?bureau=ENV&amp;as_of=2024-06-25" in html
    assert "Who has reported Jun 2024: 1 / 50" in text_of(html)
    client.force_login(people["host_verifier"])
    assert 'data-compliance="ENV-WASTE-POINTS"' in page_html(client, url)
    for who in ("other_verifier", "reporter", "viewer"):
        client.force_login(people[who])
        assert "data-compliance=" not in page_html(client, url), who
    client.logout()
    assert "data-compliance=" not in page_html(client, url)
