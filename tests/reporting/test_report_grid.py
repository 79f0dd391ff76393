"""The report grid: a unit's month, saved whole or not at all, never overwriting someone else's change."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers import cells, form_fields, text_of
from tracker.org.models import Unit
from tracker.targets import progress
from tracker.targets.models import ClosedMonth, Result, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
URL = "/report/1001/2024-06/"


@pytest.fixture
def ids():
    return {t.code: str(t.pk) for t in Target.objects.all()}


@pytest.fixture
def reporter_client(client, people):
    client.force_login(people["reporter"])
    return client


def post(client, ids, action="submit", url=URL, language="th", **cells):
    """The form as opened, with ``cells`` typed in: ENV_TREES="1,250" or note_ENV_TREES="…"."""
    data = form_fields(client.get(url).content.decode())
    for key, typed in cells.items():
        field, code = ("note", key[5:]) if key.startswith("note_") else ("value", key)
        data[f"{field}-{ids[code.replace('_', '-')]}"] = typed
    return client.post(url, {**data, "action": action}, HTTP_ACCEPT_LANGUAGE=language)


def june(code):
    return Result.objects.filter(target__code=code, unit__code="1001", period=JUNE).first()


def city_total(code):
    target = Target.objects.get(code=code)
    return progress.compute([target], datetime.date.today())[target.pk].result


def test_report_opens_the_month_due(reporter_client):
    response = reporter_client.get("/report/")
    assert response.status_code == 302 and response["Location"] == URL  # May 2024 is closed, June is the first open month


def test_the_grid_has_a_row_per_target_the_district_carries(reporter_client):
    html = reporter_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = re.findall(r'<tr data-target="([^"]+)"', html)
    assert rows == ["ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS"]
    # Allocation, result to date, March, April, May, June's state, June's box.
    assert cells(html, "ENV-TREES") == ["5,235", "8,159", "1,554", "859", "841", "Not reported yet", ""]
    may = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1)).value
    assert may == 841


def test_submitting_records_every_value_and_moves_the_figures(reporter_client, ids, people):
    before = city_total("ENV-TREES")
    response = post(reporter_client, ids, ENV_TREES="1,250", ENV_WASTE_COLLECTION="๙๕.๕", note_ENV_TREES="ฝนตกหนัก ปลูกได้น้อย")
    assert response.status_code == 302 and response["Location"] == URL
    trees = june("ENV-TREES")
    assert (trees.value, trees.state, trees.note, trees.entered_by) == (1250, "submitted", "ฝนตกหนัก ปลูกได้น้อย", people["reporter"])
    assert june("ENV-WASTE-COLLECTION").value == 95.5
    assert trees.revisions.get().changed_by == people["reporter"]
    assert city_total("ENV-TREES") == before + 1250
    assert june("ENV-PARKS") is None  # left blank: nothing recorded


def test_a_draft_counts_nowhere_and_only_the_unit_sees_it(reporter_client, client, ids, people):
    before = city_total("ENV-TREES")
    post(reporter_client, ids, action="draft", ENV_TREES="777")
    assert june("ENV-TREES").state == "draft" and city_total("ENV-TREES") == before
    assert 'value="777"' in reporter_client.get(URL).content.decode()
    client.force_login(people["host_verifier"])
    assert "777" not in client.get(URL).content.decode()


def test_one_bad_cell_saves_nothing_keeps_what_was_typed_and_marks_the_cell(reporter_client, ids):
    response = post(reporter_client, ids, ENV_TREES="1200", ENV_PARKS="1.5", ENV_WASTE_COLLECTION="101", ENV_WASTE_SEPARATION="abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="1200"' in html and 'value="1.5"' in html and 'value="101"' in html and 'value="abc"' in html
    assert html.count('aria-invalid="true"') == 3
    assert Result.objects.filter(unit__code="1001", period=JUNE).count() == 0


@pytest.mark.parametrize(("language", "words"), [("th", "จำนวนเต็ม"), ("en", "whole numbers")])
def test_cell_messages_are_in_the_users_language(reporter_client, ids, language, words):
    response = post(reporter_client, ids, language=language, ENV_PARKS="1.5")
    assert words in text_of(response.content.decode())


def test_a_cell_changed_by_someone_else_is_refused_with_both_values(reporter_client, ids, people):
    opened = form_fields(reporter_client.get(URL).content.decode())
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                  value=900, state="submitted", by=people["admin"])
    opened[f"value-{ids['ENV-TREES']}"] = "1000"
    opened[f"value-{ids['ENV-PARKS']}"] = "1"
    response = reporter_client.post(URL, {**opened, "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    state = cells(response.content.decode(), "ENV-TREES")[5]
    assert re.search(r"Saved meanwhile \([^)]*\): (.*?)\. Yours", state).group(1) == "900, Submitted, awaiting verification"
    assert 'value="1000"' in response.content.decode()
    assert june("ENV-TREES").value == 900 and june("ENV-PARKS") is None  # nothing else saved either
    # Saving again, having seen theirs, replaces it.
    again = form_fields(response.content.decode())
    assert reporter_client.post(URL, {**again, "action": "submit"}).status_code == 302
    assert june("ENV-TREES").value == 1000 and june("ENV-PARKS").value == 1


def test_a_blank_cell_takes_a_value_back(reporter_client, ids):
    post(reporter_client, ids, ENV_TREES="10")
    post(reporter_client, ids, ENV_TREES="")
    assert june("ENV-TREES").state == "deleted"


def test_a_verified_result_is_read_only(reporter_client, ids, people):
    for by, state in (("reporter", "submitted"), ("host_verifier", "verified")):
        record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                      value=5, state=state, by=people[by])
    html = reporter_client.get(URL).content.decode()
    assert f'name="value-{ids["ENV-TREES"]}"' not in html
    post(reporter_client, ids, ENV_PARKS="1")
    assert june("ENV-TREES").value == 5 and june("ENV-TREES").state == "verified"


def test_a_closed_month_is_read_only(reporter_client, ids):
    html = reporter_client.get("/report/1001/2024-05/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="value-' not in html and "closed for reporting" in html
    assert reporter_client.post("/report/1001/2024-05/", {"action": "submit"}).status_code == 403


def test_the_month_picker_works_without_javascript(reporter_client):
    response = reporter_client.get(f"{URL}?unit=1001&month=2567-07")
    assert response.status_code == 302 and response["Location"] == "/report/1001/2024-07/"


@pytest.mark.parametrize("who", ["other_reporter"])
def test_another_districts_reporter_cannot_open_or_post(client, people, who):
    client.force_login(people[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "submit"}).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_grid_reads_in_constant_queries(reporter_client, django_assert_max_num_queries, ids):
    with django_assert_max_num_queries(25):
        reporter_client.get(URL)
    post(reporter_client, ids, ENV_TREES="1", ENV_PARKS="1", ENV_WASTE_POINTS="3")
    with django_assert_max_num_queries(25):
        reporter_client.get(URL)


def test_coordinators_close_and_reopen_a_month(client, people, reporter_client, ids):
    client.force_login(people["coordinator"])
    assert client.post("/report/months/2024-06/", {"action": "close"}).status_code == 302
    assert ClosedMonth.objects.filter(period=JUNE).exists()
    assert reporter_client.post(URL, {"action": "submit"}).status_code == 403
    client.post("/report/months/2024-06/", {"action": "reopen"})
    assert not ClosedMonth.objects.filter(period=JUNE).exists()
    assert ClosedMonth.history.filter(period=JUNE).count() == 2  # closed, then reopened: both kept


@pytest.mark.parametrize("who", ["anonymous", "viewer", "reporter", "host_verifier", "other_verifier"])
def test_only_coordinators_close_months(client, people, who):
    if people[who]:
        client.force_login(people[who])
    response = client.post("/report/months/2024-06/", {"action": "close"})
    assert response.status_code in (302, 403)
    assert not ClosedMonth.objects.filter(period=JUNE).exists()


def test_saving_a_draft_leaves_the_submitted_cells_alone(reporter_client, ids):
    post(reporter_client, ids, ENV_TREES="10", ENV_PARKS="2")
    assert (june("ENV-TREES").state, june("ENV-PARKS").state) == ("submitted", "submitted")
    post(reporter_client, ids, action="draft", ENV_TREES="11")
    assert (june("ENV-TREES").value, june("ENV-TREES").state) == (11, "draft")
    assert (june("ENV-PARKS").value, june("ENV-PARKS").state, june("ENV-PARKS").revisions.count()) == (2, "submitted", 1)


def test_a_first_value_written_meanwhile_in_another_tab_is_a_conflict(reporter_client, ids, people):
    data = form_fields(reporter_client.get(URL).content.decode())
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                  value=7, by=people["reporter"])
    data[f"value-{ids['ENV-TREES']}"] = "8"
    response = reporter_client.post(URL, {**data, "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    [row] = [r for r in response.context["grid"].rows if r.target.code == "ENV-TREES"]
    assert (row.error, row.conflict.value) == (
        "Someone else saved this result while you had the form open. Check both values and save again.", 7,
    )
    assert june("ENV-TREES").value == 7


def test_a_save_writes_and_locks_only_the_cells_it_changes(reporter_client, ids):
    """Cells posted as the form showed them, unchanged since, are left without a lock or a query:
    a district's save of one cell among all it carries takes one row lock, not one per target."""
    post(reporter_client, ids, ENV_TREES="10", ENV_PARKS="2", ENV_WASTE_POINTS="3")
    data = form_fields(reporter_client.get(URL).content.decode())
    data[f"value-{ids['ENV-PARKS']}"] = "4"
    with CaptureQueriesContext(connection) as queries:
        response = reporter_client.post(URL, {**data, "action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    # One result read (and, on PostgreSQL, locked) on its own: the changed cell's.
    one_result = [q["sql"] for q in queries.captured_queries if re.search(r'"targets_result"\."target_id" = \d', q["sql"])]
    assert len(one_result) == 1
    assert [(june(code).value, june(code).revisions.count()) for code in ("ENV-TREES", "ENV-PARKS", "ENV-WASTE-POINTS")] == [
        (10, 1), (4, 2), (3, 1),
    ]
