"""The allocations grid and its recording function: who may set them, all or nothing, history, as of a day."""
import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from tests.helpers import figure_texts, form_fields, text_of
from tracker.org.models import Unit
from tracker.reporting.views.allocations import stamp
from tracker.targets import progress
from tracker.targets.history import AS_LOADED
from tracker.targets.models import Allocation, Result, Target
from tracker.targets.recording import record_allocations
from tracker.targets.rules import Band

pytestmark = pytest.mark.django_db
TREES = "/allocations/ENV-TREES/"
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
QUERY_BUDGET = 15


@pytest.fixture
def verifier_client(client, people):
    client.force_login(people["host_verifier"])
    return client


def allocation(code, unit="1001"):
    found = Allocation.objects.filter(target__code=code, unit__code=unit).first()
    return found.value if found else None


def history(code, unit="1001"):
    return list(
        Allocation.history.filter(target__code=code, unit__code=unit)
        .order_by("history_date", "history_id")
        .values_list("history_type", "value", "history_user__username", "history_date", "history_change_reason")
    )


def post(client, url=TREES, **cells):
    """The form as opened, with ``cells`` typed in by district code: post(client, **{"1001": "5,300"})."""
    data = form_fields(client.get(url).content.decode())
    for code, typed in cells.items():
        data[f"value-{code}"] = typed
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def row_html(html, code):
    return re.search(rf'<tr data-unit="{code}".*?</tr>', html, re.S).group(0)


def messages_text(response):
    return [str(m) for m in response.wsgi_request._messages]


# The page --------------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_district_in_zone_order_with_its_allocation_and_result(verifier_client):
    html = verifier_client.get(TREES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = re.findall(r'<tr data-unit="([^"]+)"', html)
    expected = list(Unit.objects.districts().order_by("zone__number", "code").values_list("code", flat=True))
    assert rows == expected and len(rows) == 50
    # Phra Nakhon: 5,235 allocated; its results add up to 8,159, 155.85 % of it (155.854…).
    assert Result.objects.filter(target__code="ENV-TREES", unit__code="1001").aggregate(total=Sum("value"))["total"] == 8159
    assert figure_texts(row_html(html, "1001")) == {"allocation": "5,235", "result": "8,159 155.85%"}
    assert 'name="value-1001"' in row_html(html, "1001") and 'value="5235"' in row_html(html, "1001")
    footer = re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0)
    assert figure_texts(footer) == {"sum": "200,000", "target": "200,000", "difference": "0"}  # the demo's add up
    assert "50 of 50 have an allocation" in text_of(footer)


def test_a_level_target_uses_the_same_grid_without_a_sum(verifier_client):
    html = verifier_client.get("/allocations/ENV-WASTE-COLLECTION/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'<tr data-unit="', html)) == 50
    assert "not added up" in text_of(html) and "data-sum" not in html
    response = post(verifier_client, "/allocations/ENV-WASTE-COLLECTION/", **{"1001": "95.5"})
    assert response.status_code == 302
    assert allocation("ENV-WASTE-COLLECTION") == Decimal("95.5")
    assert not [m for m in messages_text(response) if "add up" in m]


def test_readers_get_no_inputs(client, people):
    client.force_login(people["coordinator"])
    html = client.get(TREES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    assert "<input" not in main and "<form" not in main and "5,235" in main


# Saving ----------------------------------------------------------------------------------------


def test_a_verifier_saves_allocations_and_the_history_keeps_who_and_the_value_as_loaded(clock, verifier_client, people):
    moment = clock(2024, 6, 20, 9)
    response = post(verifier_client, **{"1001": "5,300", "1002": "3000"})
    assert response.status_code == 302 and response["Location"] == TREES
    assert (allocation("ENV-TREES"), allocation("ENV-TREES", "1002")) == (5300, 3000)
    start = datetime.datetime(2023, 10, 1, tzinfo=BANGKOK)
    assert history("ENV-TREES") == [
        ("+", 5235, None, start, AS_LOADED),
        ("~", 5300, "verifier-env", moment, None),
    ]
    assert history("ENV-TREES", "1003") == [("+", 3447, None, start, AS_LOADED)]  # untouched rows write nothing
    assert "2 allocations saved." in messages_text(response)


def test_the_history_is_shown_on_the_row(clock, verifier_client):
    clock(2024, 6, 20, 9)
    post(verifier_client, **{"1001": "5300"})
    clock(2024, 6, 21, 14)
    post(verifier_client, **{"1001": "5400"})
    row = text_of(row_html(verifier_client.get(TREES, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "1001"))
    assert "verifier-env · 21 Jun 2024 14:00 · 5,300 → 5,400" in row
    assert "verifier-env · 20 Jun 2024 09:00 · 5,235 → 5,300" in row
    assert "As loaded, before the first recorded change · 1 Oct 2023 00:00 · – → 5,235" in row


def test_the_sum_warning_says_by_how_much_the_allocations_miss_the_target(verifier_client):
    response = post(verifier_client, **{"1001": "5225"})
    assert response.status_code == 302
    assert "The districts' allocations add up to 199,990; the target value is 200,000: 10 short." in messages_text(response)
    html = verifier_client.get(TREES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure_texts(re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0))["sum"] == "199,990"
    response = post(verifier_client, **{"1001": "5260"})
    assert "The districts' allocations add up to 200,025; the target value is 200,000: 25 over." in messages_text(response)


@pytest.mark.parametrize("code, typed, message", [
    ("ENV-TREES", "-5", "An allocation cannot be negative."),
    ("ENV-TREES", "abc", "Enter the value as a number"),
    ("ENV-TREES", "1.5", "ENV-TREES is counted in whole numbers."),
    ("ENV-WASTE-COLLECTION", "120", "A percentage must be between 0 and 100."),
])
def test_a_bad_cell_saves_nothing_keeps_what_was_typed_and_marks_the_cell(verifier_client, code, typed, message):
    url = f"/allocations/{code}/"
    before = dict(Allocation.objects.filter(target__code=code).values_list("unit__code", "value"))
    history_rows = Allocation.history.count()
    response = post(verifier_client, url, **{"1001": typed, "1002": "7"})
    assert response.status_code == 400
    html = response.content.decode()
    bad = row_html(html, "1001")
    assert 'class="has-error"' in bad and 'aria-invalid="true"' in bad and message in text_of(bad)
    assert f'value="{typed}"' in bad and 'value="7"' in row_html(html, "1002")
    assert dict(Allocation.objects.filter(target__code=code).values_list("unit__code", "value")) == before
    assert Allocation.history.count() == history_rows
    assert "Nothing was saved" in text_of(html)


@pytest.mark.parametrize("typed", ["๑,๒๕๐", "1,250", " 1 250 "])
def test_thai_digits_and_thousands_separators_are_accepted(verifier_client, typed):
    assert post(verifier_client, **{"1001": typed}).status_code == 302
    assert allocation("ENV-TREES") == 1250


def test_a_row_changed_meanwhile_is_refused_with_both_values_and_nothing_saved(clock, verifier_client, people):
    clock(2024, 6, 20, 9)
    data = form_fields(verifier_client.get(TREES).content.decode())
    bang_rak = allocation("ENV-TREES", "1002")
    clock(2024, 6, 20, 10)
    trees = Target.objects.get(code="ENV-TREES")
    record_allocations(trees, {Unit.objects.get(code="1001"): Decimal(6000)}, by=people["admin"])
    data.update({"value-1001": "7000", "value-1002": "3000"})
    response = verifier_client.post(TREES, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    row = text_of(row_html(response.content.decode(), "1001"))
    assert "Someone else changed this allocation" in row
    assert "Saved meanwhile by admin (2024-06-20 10:00): 6,000. Yours: 7000" in row
    assert (allocation("ENV-TREES"), allocation("ENV-TREES", "1002")) == (6000, bang_rak)
    assert history("ENV-TREES", "1002") == [("+", 3303, None, datetime.datetime(2023, 10, 1, tzinfo=BANGKOK), AS_LOADED)]
    # The form shown again knows the new value: saving it again replaces theirs on purpose.
    again = verifier_client.post(TREES, form_fields(response.content.decode()), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 302 and (allocation("ENV-TREES"), allocation("ENV-TREES", "1002")) == (7000, 3000)


def test_a_row_left_as_shown_does_not_undo_a_change_made_meanwhile(verifier_client, people):
    data = form_fields(verifier_client.get(TREES).content.decode())
    record_allocations(Target.objects.get(code="ENV-TREES"), {Unit.objects.get(code="1001"): Decimal(6000)}, by=people["admin"])
    data["value-1002"] = "3000"
    assert verifier_client.post(TREES, data).status_code == 302
    assert (allocation("ENV-TREES"), allocation("ENV-TREES", "1002")) == (6000, 3000)


def test_blanking_an_allocation_with_counted_results_is_refused(verifier_client):
    assert Result.objects.filter(target__code="ENV-TREES", unit__code="1001", state__in=Result.COUNTED_STATES).exists()
    response = post(verifier_client, **{"1001": ""})
    assert response.status_code == 400
    assert "has results counted for ENV-TREES, so its allocation cannot be removed" in text_of(row_html(response.content.decode(), "1001"))
    assert allocation("ENV-TREES") == 5235


def test_blanking_an_allocation_without_results_removes_it_with_its_history(clock, verifier_client):
    moment = clock(2024, 6, 20, 9)
    response = post(verifier_client, "/allocations/ENV-WASTE-POINTS/", **{"1001": ""})
    assert response.status_code == 302
    assert allocation("ENV-WASTE-POINTS") is None
    assert [(kind, value, user, when) for kind, value, user, when, reason in history("ENV-WASTE-POINTS")] == [
        ("+", 58, None, datetime.datetime(2023, 10, 1, tzinfo=BANGKOK)),
        ("-", 58, "verifier-env", moment),
    ]
    assert "2,415; the target value is 2,473: 58 short" in " ".join(messages_text(response))


# The recording function ------------------------------------------------------------------------


def test_record_allocations_checks_the_unit_and_writes_all_or_nothing(people):
    trees = Target.objects.get(code="ENV-TREES")
    units = {u.code: u for u in Unit.objects.filter(code__in=["1001", "1002", "ENV"])}
    with pytest.raises(ValidationError) as refused:
        record_allocations(trees, {units["1001"]: Decimal(1), units["ENV"]: Decimal(5)}, by=people["admin"])
    assert list(refused.value.message_dict) == ["ENV"] and "is not one" in refused.value.message_dict["ENV"][0]
    assert allocation("ENV-TREES") == 5235 and Allocation.history.count() == 300
    # The same values again: nothing to write, no history.
    assert record_allocations(trees, {units["1001"]: Decimal("5235.000")}, by=people["admin"]) == 0
    assert Allocation.history.count() == 300


def test_the_value_as_loaded_is_the_first_record_of_every_change(clock, people):
    trees = Target.objects.get(code="ENV-TREES")
    phra_nakhon = Unit.objects.get(code="1001")
    clock(2024, 6, 20, 9)
    record_allocations(trees, {phra_nakhon: Decimal(5300)}, by=people["host_verifier"])
    clock(2024, 6, 21, 9)
    record_allocations(trees, {phra_nakhon: Decimal(5400)}, by=people["admin"])
    assert [(kind, value, user, reason) for kind, value, user, when, reason in history("ENV-TREES")] == [
        ("+", 5235, None, AS_LOADED), ("~", 5300, "verifier-env", None), ("~", 5400, "admin", None),
    ]


# As of a day -----------------------------------------------------------------------------------


def test_figures_as_of_a_day_before_a_change_use_the_allocation_of_that_day(clock, people, meeting_day):
    trees = Target.objects.get(code="ENV-TREES")
    phra_nakhon = Unit.objects.get(code="1001")

    def mine(day):
        figure = progress.compute([trees], day)[trees.pk]
        return next(u for u in figure.units if u.unit.code == "1001"), figure.allocated

    before, allocated_before = mine(meeting_day)
    assert (before.allocation, allocated_before) == (5235, 200000)
    # Ten times the result to date puts 1001 at 10 %: the lowest band, whatever its band was.
    new = (before.result * 10).quantize(Decimal(1))
    assert before.band != Band.LOW
    clock(2024, 6, 20, 9)
    record_allocations(trees, {phra_nakhon: new}, by=people["host_verifier"])
    clock(2024, 7, 1, 9)  # both days are now in the past: both read the history
    then, allocated_then = mine(meeting_day)
    assert (then.allocation, then.band, allocated_then) == (5235, before.band, 200000)
    after, allocated_after = mine(datetime.date(2024, 6, 21))
    assert (after.allocation, after.band, allocated_after) == (new, Band.LOW, 200000 - 5235 + new)


def test_figures_as_of_today_read_the_allocations_as_they_are(clock, people):
    trees = Target.objects.get(code="ENV-TREES")
    clock(2024, 6, 20, 9)
    record_allocations(trees, {Unit.objects.get(code="1001"): Decimal(9999)}, by=people["host_verifier"])
    for day in (datetime.date(2024, 6, 7), datetime.date(2024, 6, 20), datetime.date(2024, 6, 21)):
        figure = progress.compute([trees], day)[trees.pk]
        assert next(u for u in figure.units if u.unit.code == "1001").allocation == (5235 if day.day == 7 else 9999)


def test_allocations_as_of_a_day_keep_rows_removed_since_and_leave_out_rows_created_since(clock, people):
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    trees = Target.objects.get(code="ENV-TREES")
    phra_nakhon, bang_rak = Unit.objects.get(code="1001"), Unit.objects.get(code="1002")
    clock(2024, 6, 20, 9)
    record_allocations(points, {phra_nakhon: None}, by=people["host_verifier"])
    clock(2024, 6, 25, 9)
    record_allocations(points, {phra_nakhon: Decimal(60), bang_rak: Decimal(40)}, by=people["host_verifier"])

    def rows(day):
        found = {(target, unit): value for target, unit, value in Allocation.objects.as_of(day, targets=[points.pk, trees.pk])}
        assert len(found) == len(list(Allocation.objects.as_of(day, targets=[points.pk, trees.pk])))  # one row each
        return found

    assert rows(datetime.date(2024, 6, 7))[points.pk, phra_nakhon.pk] == 58
    assert (points.pk, phra_nakhon.pk) not in rows(datetime.date(2024, 6, 21))
    assert rows(datetime.date(2024, 6, 25))[points.pk, phra_nakhon.pk] == 60
    assert rows(datetime.date(2024, 6, 24))[points.pk, bang_rak.pk] == 42  # loaded value until the 25th
    assert len(rows(datetime.date(2024, 6, 7))) == 100 and len(rows(datetime.date(2024, 6, 21))) == 99
    with pytest.raises(TypeError):
        Allocation.objects.filter(target=points).as_of(datetime.date(2024, 6, 7))


def test_allocations_as_of_a_day_take_one_query(django_assert_num_queries, clock, people):
    clock(2024, 6, 20, 9)
    record_allocations(Target.objects.get(code="ENV-TREES"), {Unit.objects.get(code="1001"): Decimal(1)}, by=None)
    with django_assert_num_queries(1):
        list(Allocation.objects.as_of(datetime.date(2024, 6, 7)))


# Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("who, get_status, post_status", [
    ("reporter", 403, 403),
    ("other_verifier", 403, 403),
    ("coordinator", 200, 403),
    ("viewer", 200, 403),
    ("host_verifier", 200, 302),
    ("admin", 200, 302),
])
def test_permission_matrix(client, people, who, get_status, post_status):
    client.force_login(people[who])
    assert client.get(TREES).status_code == get_status
    seen = stamp(Allocation.objects.get(target__code="ENV-TREES", unit__code="1001"))
    assert client.post(TREES, {"value-1001": "1", "seen-1001": seen}).status_code == post_status
    assert allocation("ENV-TREES") == (1 if post_status == 302 else 5235)


@pytest.mark.parametrize("who", ["host_verifier", "admin"])
def test_the_host_verifier_and_the_admin_save(client, people, who):
    client.force_login(people[who])
    assert post(client, **{"1001": "1"}).status_code == 302
    assert allocation("ENV-TREES") == 1
    assert history("ENV-TREES")[-1][2] == people[who].username


def test_anonymous_people_are_sent_to_log_in(client):
    for response in (client.get(TREES), client.post(TREES, {"value-1001": "1"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert allocation("ENV-TREES") == 5235


def test_an_unknown_target_is_a_404(verifier_client):
    assert verifier_client.get("/allocations/NO-SUCH-TARGET/").status_code == 404


# Queries ---------------------------------------------------------------------------------------


def queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


def test_the_grid_takes_the_same_queries_whatever_the_number_of_allocations_and_changes(verifier_client, people, django_assert_max_num_queries):
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    with django_assert_max_num_queries(QUERY_BUDGET):
        verifier_client.get(TREES)
    full = queries(verifier_client, "/allocations/ENV-WASTE-POINTS/")
    districts = list(Unit.objects.districts())
    # Half of them removed, the others changed twice: fewer allocations, more history.
    record_allocations(points, {d: None for d in districts[:25]}, by=people["admin"])
    record_allocations(points, {d: Decimal(10) for d in districts[25:]}, by=people["admin"])
    record_allocations(points, {d: Decimal(11) for d in districts[25:]}, by=people["admin"])
    assert queries(verifier_client, "/allocations/ENV-WASTE-POINTS/") == full
    record_allocations(points, {d: None for d in districts[25:]}, by=people["admin"])
    assert queries(verifier_client, "/allocations/ENV-WASTE-POINTS/") == full <= QUERY_BUDGET


def test_saving_the_whole_grid_takes_the_same_queries_for_one_change_or_fifty(verifier_client):
    one = form_fields(verifier_client.get(TREES).content.decode())
    one["value-1001"] = "5300"
    few = queries(verifier_client, TREES, "post", one)
    every = form_fields(verifier_client.get(TREES).content.decode())
    every.update({key: str(int(value) + 1) for key, value in every.items() if key.startswith("value-")})
    assert queries(verifier_client, TREES, "post", every) == few <= 20
    assert allocation("ENV-TREES") == 5301


def test_every_bad_cell_is_marked_at_once(verifier_client):
    before = dict(Allocation.objects.filter(target__code="ENV-TREES").values_list("unit__code", "value"))
    response = post(verifier_client, **{"1001": "abc", "1002": "-1", "1003": "2.5", "1004": "10"})
    html = response.content.decode()
    assert response.status_code == 400
    marked = [code for code in ("1001", "1002", "1003", "1004") if 'class="has-error"' in row_html(html, code)]
    assert marked == ["1001", "1002", "1003"]
    assert dict(Allocation.objects.filter(target__code="ENV-TREES").values_list("unit__code", "value")) == before
    assert Allocation.history.count() == 300
