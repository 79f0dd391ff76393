"""The one recording function: rules, history, the acting user, server time, deletion, atomicity."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Allocation, ClosedMonth, Result, ResultRevision, Target
from tracker.targets.recording import Conflict, close_month, delete_result, record_result, reopen_month, stamp

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)


@pytest.fixture
def people():
    return person("reporter-1001", ("1001", Role.REPORTER)), person("verifier-env", ("ENV", Role.VERIFIER))


def returned(result, verifier):
    """The host returns a verified result (the demo's months are verified), so that its unit may correct it."""
    return record_result(
        target=result.target, unit=result.unit, period=result.period, value=result.value, note=result.note,
        state="returned", comment="ตรวจสอบอีกครั้ง", by=verifier,
    )


def result_to_date(target, day):
    return progress.compute([target], day)[target.pk].result


def test_it_writes_the_result_and_its_revision_with_the_acting_user(clock, trees, phra_nakhon, people):
    reporter, _ = people
    moment = clock(2024, 7, 2, 10)
    result = record_result(target=trees, unit=phra_nakhon, period=JUNE, value="1,200", note="ฝนตกหนัก", by=reporter)
    result.refresh_from_db()
    assert (result.value, result.note, result.state, result.entered_by, result.entered_at) == (
        1200, "ฝนตกหนัก", Result.State.SUBMITTED, reporter, moment,
    )
    assert list(result.revisions.values_list("value", "state", "changed_by", "changed_at")) == [
        (1200, "submitted", reporter.pk, moment),
    ]


def test_the_author_stays_and_the_verifier_is_kept(clock, trees, phra_nakhon, people):
    reporter, verifier = people
    clock(2024, 7, 2, 10)
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1200, by=reporter)
    verified_at = clock(2024, 7, 4, 15)
    result = record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1200, state="verified", by=verifier)
    result.refresh_from_db()
    assert (result.entered_by, result.verified_by, result.verified_at) == (reporter, verifier, verified_at)
    assert list(result.revisions.order_by("changed_at").values_list("state", "changed_by")) == [
        ("submitted", reporter.pk), ("verified", verifier.pk),
    ]
    # A correction comes after the host returns it, and must be verified again.
    clock(2024, 7, 5, 9)
    returned(result, verifier)
    result = record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1250, by=reporter)
    result.refresh_from_db()
    assert (result.entered_by, result.verified_by, result.verified_at, result.state) == (reporter, None, None, "submitted")


def test_recording_the_same_again_writes_no_revision(trees, phra_nakhon, people):
    reporter, _ = people
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=10, by=reporter)
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value="10.000", by=reporter)
    assert Result.objects.get(target=trees, unit=phra_nakhon, period=JUNE).revisions.count() == 1


def test_a_failure_half_way_saves_nothing(reopened_months, monkeypatch, trees, phra_nakhon, people):
    reporter, verifier = people
    may = returned(Result.objects.get(target=trees, unit=phra_nakhon, period=datetime.date(2024, 5, 1)), verifier)
    revisions = ResultRevision.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ResultRevision.objects, "create", broken)
    with pytest.raises(RuntimeError):
        record_result(target=trees, unit=phra_nakhon, period=may.period, value=may.value + 5, by=reporter)
    assert Result.objects.get(pk=may.pk).value == may.value
    assert ResultRevision.objects.count() == revisions


def test_results_cannot_be_saved_or_deleted_around_the_recording_function(trees, phra_nakhon):
    may = Result.objects.get(target=trees, unit=phra_nakhon, period=datetime.date(2024, 5, 1))
    may.value += 1
    with pytest.raises(RuntimeError):
        may.save()
    with pytest.raises(RuntimeError):
        may.delete()
    with pytest.raises(RuntimeError):
        Result.objects.create(target=trees, unit=phra_nakhon, period=JUNE, value=1)


def test_a_deleted_result_leaves_a_revision_and_still_counts_as_of_before(reopened_months, clock, trees, phra_nakhon, people, meeting_day):
    reporter, verifier = people
    may = Result.objects.get(target=trees, unit=phra_nakhon, period=datetime.date(2024, 5, 1))
    clock(2024, 6, 20, 9)
    delete_result(returned(may, verifier), by=reporter)
    may.refresh_from_db()
    assert may.state == Result.State.DELETED
    assert may.revisions.order_by("-changed_at").first().state == Result.State.DELETED
    assert result_to_date(trees, meeting_day) == 218_910
    assert result_to_date(trees, datetime.date(2024, 6, 20)) == 218_910 - may.value
    # Reported again: counts again, from then on.
    clock(2024, 6, 25, 9)
    record_result(target=trees, unit=phra_nakhon, period=may.period, value=7, by=reporter)
    assert result_to_date(trees, datetime.date(2024, 6, 22)) == 218_910 - may.value
    assert result_to_date(trees, datetime.date(2024, 6, 25)) == 218_910 - may.value + 7


def test_the_time_of_recording_is_the_servers_so_the_past_cannot_be_rewritten(reopened_months, trees, phra_nakhon, people, meeting_day):
    reporter, verifier = people
    months = [datetime.date(2024, 2, 1), datetime.date(2024, 5, 1)]
    before = sum(returned(Result.objects.get(target=trees, unit=phra_nakhon, period=m), verifier).value for m in months)
    # Typed today for months before the meeting: today's figure changes, the meeting's does not.
    for month in months:
        record_result(target=trees, unit=phra_nakhon, period=month, value=50_000, by=reporter)
    assert result_to_date(trees, meeting_day) == 218_910
    assert result_to_date(trees, datetime.date.today()) == 218_910 - before + 100_000


def rule_error(**kwargs):
    kwargs.setdefault("by", None)
    with pytest.raises(ValidationError) as error:
        record_result(**kwargs)
    return error.value.message_dict


@pytest.mark.parametrize("month", [datetime.date(1, 1, 1), datetime.date(2999, 1, 1), datetime.date(2024, 10, 1), datetime.date(2023, 9, 1)])
def test_months_outside_the_targets_period_are_refused(trees, phra_nakhon, month):
    errors = rule_error(target=trees, unit=phra_nakhon, period=month, value=1)
    assert "period" in errors
    assert not Result.objects.filter(target=trees, period=month).exists()


def test_a_month_that_has_not_begun_is_refused(clock, trees, phra_nakhon):
    clock(2024, 6, 7, 12)
    assert "period" in rule_error(target=trees, unit=phra_nakhon, period=datetime.date(2024, 7, 1), value=1)
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=None)


def test_a_bureau_cannot_report_on_a_target_shared_out_to_districts(trees, meeting_day):
    env = Unit.objects.get(code="ENV")
    assert "unit" in rule_error(target=trees, unit=env, period=datetime.date(2024, 5, 1), value=9)
    assert result_to_date(trees, meeting_day) == 218_910


def test_a_district_without_an_allocation_cannot_report(phra_nakhon):
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    Allocation.objects.filter(target=points, unit=phra_nakhon).delete()
    assert "unit" in rule_error(target=points, unit=phra_nakhon, period=datetime.date(2024, 5, 1), value=9)


def test_a_target_its_host_reports_takes_results_from_the_host_only(trees):
    trees.districts_carry = False
    trees.save()
    env, cleansing = Unit.objects.get(code="ENV"), Unit.objects.get(code="CLE")
    record_result(target=trees, unit=env, period=JUNE, value=3, by=None)
    assert "unit" in rule_error(target=trees, unit=cleansing, period=JUNE, value=3)


@pytest.mark.parametrize(
    ("code", "value"),
    [("ENV-TREES", "-1"), ("ENV-TREES", "12.5"), ("ENV-TREES", "abc"), ("ENV-TREES", "NaN"), ("ENV-TREES", "1e20"),
     ("ENV-WASTE-COLLECTION", "100.01"), ("ENV-WASTE-COLLECTION", "55.555")],
)
def test_bad_values_are_refused(phra_nakhon, code, value):
    target = Target.objects.get(code=code)
    assert "value" in rule_error(target=target, unit=phra_nakhon, period=JUNE, value=value)
    assert not Result.objects.filter(target=target, unit=phra_nakhon, period=JUNE).exists()


def test_a_level_with_its_decimals_is_accepted(phra_nakhon):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    assert record_result(target=collection, unit=phra_nakhon, period=JUNE, value="55.55", by=None).value == Decimal("55.55")


@pytest.mark.parametrize(
    ("language", "period", "value", "field", "message"),
    [
        ("th", datetime.date(2024, 10, 1), 1, "period", "อยู่นอกช่วง"),
        ("en", datetime.date(2024, 10, 1), 1, "period", "is outside it"),
        ("th", JUNE, "12.5", "value", "จำนวนเต็ม"),
        ("en", JUNE, "12.5", "value", "whole numbers"),
        ("th", JUNE, "-3", "value", "ติดลบ"),
        ("en", JUNE, "-3", "value", "cannot be negative"),
        ("th", JUNE, "abc", "value", "เป็นตัวเลข"),
        ("en", JUNE, "abc", "value", "as a number"),
    ],
)
def test_messages_are_in_the_users_language(trees, phra_nakhon, language, period, value, field, message):
    with translation.override(language):
        errors = rule_error(target=trees, unit=phra_nakhon, period=period, value=value)
    assert message in " ".join(errors[field])


@pytest.mark.parametrize("language", ["th", "en"])
def test_unit_messages_name_the_unit_in_the_users_language(trees, language):
    env = Unit.objects.get(code="ENV")
    with translation.override(language):
        message = " ".join(rule_error(target=trees, unit=env, period=JUNE, value=1)["unit"])
    assert (env.name_th if language == "th" else env.name_en) in message
    assert ("สำนักงานเขต" in message) == (language == "th")


def test_a_nul_character_in_a_note_is_refused_not_a_crash(trees, phra_nakhon):
    assert "note" in rule_error(target=trees, unit=phra_nakhon, period=JUNE, value=1, note="ถนน\x00พระราม")


@pytest.mark.parametrize("language, words", [("th", "ปิดรับรายงานผล"), ("en", "closed for reporting")])
def test_a_closed_month_refuses_every_change(trees, phra_nakhon, language, words):
    may = Result.objects.get(target=trees, unit=phra_nakhon, period=datetime.date(2024, 5, 1))
    with translation.override(language):
        errors = rule_error(target=trees, unit=phra_nakhon, period=may.period, value=may.value + 1)
        assert words in " ".join(errors["period"])
        with pytest.raises(ValidationError):
            delete_result(may, by=None)
    may.refresh_from_db()
    assert may.state == Result.State.VERIFIED and may.revisions.count() == 1


def test_a_return_needs_a_reason(trees, phra_nakhon):
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=5, by=None)
    assert "comment" in rule_error(target=trees, unit=phra_nakhon, period=JUNE, value=5, state="returned")
    returned = record_result(target=trees, unit=phra_nakhon, period=JUNE, value=5, state="returned", comment="ซ้ำ", by=None)
    assert returned.revisions.order_by("-changed_at", "-pk").first().comment == "ซ้ำ"


def test_a_reason_with_a_nul_character_is_refused_with_a_message_not_a_500(trees, phra_nakhon):
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=5, by=None)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        record_result(target=trees, unit=phra_nakhon, period=JUNE, value=5, state="returned", comment="a\x00b", by=None)
    assert error.value.message_dict == {
        "comment": ["The reason contains an invisible NUL character; remove it (retype the reason) and save again."],
    }
    assert Result.objects.get(target=trees, unit=phra_nakhon, period=JUNE).state == Result.State.SUBMITTED


# The state machine, whoever calls ----------------------------------------------------------------

def refusal(**kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        record_result(**kwargs)
    return error.value.messages


def test_a_verified_result_changes_only_through_a_return_by_its_host(trees, phra_nakhon, people):
    reporter, verifier = people
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=10, by=reporter)
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=10, state="verified", by=verifier)
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=11, by=reporter) == [
        "This result is verified by the host bureau; ask the host to return it for correction first.",
    ]
    result = Result.objects.get(target=trees, unit=phra_nakhon, period=JUNE)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        delete_result(result, by=reporter)
    assert error.value.messages == ["This result is verified by the host bureau; ask the host to return it for correction first."]
    # Submitting or saving a draft of what is verified changes nothing.
    assert record_result(target=trees, unit=phra_nakhon, period=JUNE, value=10, state="draft", by=reporter).state == "verified"
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=12, state="returned", comment="ผิด", by=verifier) == [
        "A verifier verifies or returns the value reported, as it is; it cannot be changed at the same time.",
    ]
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=10, state="returned", comment="ขอหลักฐาน", by=verifier)
    assert record_result(target=trees, unit=phra_nakhon, period=JUNE, value=11, by=reporter).state == "submitted"
    assert list(result.revisions.order_by("changed_at", "pk").values_list("state", flat=True)) == [
        "submitted", "verified", "returned", "submitted",
    ]


def test_only_the_units_people_write_and_only_its_host_verifies(trees, phra_nakhon, people):
    reporter, verifier = people
    other = person("reporter-1002", ("1002", Role.REPORTER))
    other_host = person("verifier-cle", ("CLE", Role.VERIFIER))
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=other) == ["You may not record results for Phra Nakhon."]
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=verifier) == ["You may not record results for Phra Nakhon."]
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=reporter)
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=1, state="verified", by=other_host) == [
        "Only the verifiers of Environment Department verify or return the results of ENV-TREES.",
    ]
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=1, state="verified", by=reporter) == [
        "Only the verifiers of Environment Department verify or return the results of ENV-TREES.",
    ]
    assert not Result.objects.filter(target=trees, unit=phra_nakhon, period=JUNE, state="verified").exists()


def test_nobody_verifies_a_result_they_entered_or_last_changed(trees, phra_nakhon, people):
    reporter, verifier = people
    both = person("both", ("1001", Role.REPORTER), ("ENV", Role.VERIFIER))
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=40, by=both)
    own = "You entered or last changed this result, so someone else of the host bureau must verify it."
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=40, state="verified", by=both) == [own]
    # Changed last by another reporter: still entered by them.
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=41, by=reporter)
    assert refusal(target=trees, unit=phra_nakhon, period=JUNE, value=41, state="verified", by=both) == [own]
    record_result(target=trees, unit=phra_nakhon, period=JUNE, value=41, state="verified", by=verifier)
    assert Result.objects.get(target=trees, unit=phra_nakhon, period=JUNE).verified_by == verifier


def test_a_stale_form_is_told_of_the_change_and_saves_nothing(trees, phra_nakhon, people):
    reporter, _ = people
    with pytest.raises(Conflict) as first:
        record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=reporter, seen="2024-06-01T00:00:00+07:00")
    assert first.value.current is None
    saved = record_result(target=trees, unit=phra_nakhon, period=JUNE, value=1, by=reporter, seen="")
    with pytest.raises(Conflict) as second:
        record_result(target=trees, unit=phra_nakhon, period=JUNE, value=2, by=reporter, seen="")
    assert second.value.current.value == 1
    assert record_result(target=trees, unit=phra_nakhon, period=JUNE, value=2, by=reporter, seen=stamp(saved)).value == 2
    assert Result.objects.get(target=trees, unit=phra_nakhon, period=JUNE).revisions.count() == 2


def test_only_coordinators_close_and_reopen_months_through_the_recording_layer(people):
    reporter, verifier = people
    coordinator = person("coordinator-sed", ("SED", Role.COORDINATOR))
    for who in (reporter, verifier):
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            close_month(JUNE, by=who)
        assert refused.value.messages == ["Only Strategy and Evaluation close and reopen months for reporting."]
        with pytest.raises(ValidationError):
            reopen_month(datetime.date(2024, 5, 1), by=who)
    assert not ClosedMonth.objects.filter(period=JUNE).exists()
    assert ClosedMonth.objects.filter(period=datetime.date(2024, 5, 1)).exists()
    closed = close_month(datetime.date(2024, 6, 17), by=coordinator)
    assert (closed.period, closed.closed_by) == (JUNE, coordinator)
    assert close_month(JUNE, by=coordinator).pk == closed.pk  # closing again changes nothing
    reopen_month(JUNE, by=coordinator)
    assert not ClosedMonth.objects.filter(period=JUNE).exists()
    assert [h.history_type for h in ClosedMonth.history.filter(period=JUNE).order_by("history_date")] == ["+", "-"]
