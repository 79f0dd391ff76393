"""Meetings written through tracker.meetings.recording: the agenda and its figures as of the meeting
day, never changed by what is entered later; actions carried over until closed; history kept."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import person
from tracker.meetings import agenda
from tracker.meetings.models import Action, Meeting, Step
from tracker.meetings.recording import agenda_targets, create_meeting, record_action, record_review, take_figures
from tracker.meetings.snapshot import freeze
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Result, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)


@pytest.fixture
def verifier(db):
    return person("verifier-env", ("ENV", Role.VERIFIER))


def new_meeting(day, by, **fields):
    return create_meeting(Meeting(host=Unit.objects.get(code="ENV"), date=day, chair_th="ประธานที่ปรึกษาฯ", **fields), by)


def headline(meeting):
    return {item.target.code: (item.figure.result, item.figure.percent, item.figure.status) for item in agenda.load(meeting).items}


def test_a_new_meeting_gets_one_review_per_top_level_target_with_its_figures(verifier, clock):
    clock(2024, 7, 10, 9)
    meeting = new_meeting(datetime.date(2024, 7, 5), verifier)
    assert meeting.reviews.count() == 5 and meeting.figures_as_of == datetime.date(2024, 7, 5)
    trees = meeting.reviews.get(target__code="ENV-TREES")
    assert trees.figures["as_of"] == "2024-07-05" and [c["code"] for c in trees.figures["children"]] == ["ENV-TREES-PERENNIAL"]
    assert {h.history_user for h in meeting.history.all()} == {verifier}
    assert trees.history.first().history_user == verifier


def test_what_a_past_meeting_saw_never_changes(seed, verifier, clock, reopened_months):
    before = headline(seed)
    stored = {r.target_id: r.figures for r in seed.reviews.all()}
    trees, phra_nakhon = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code="1001")
    clock(2024, 6, 20, 9)
    # A late result for May, a result for June, and a correction of April, all after the meeting.
    record_result(target=trees, unit=phra_nakhon, period=datetime.date(2024, 5, 1), value=999, by=None, state="submitted")
    record_result(target=trees, unit=Unit.objects.get(code="1002"), period=JUNE, value=5_000, by=None, state="submitted")
    april = Result.objects.get(target=trees, unit__code="1003", period=datetime.date(2024, 4, 1))
    record_result(target=trees, unit=april.unit, period=april.period, value=april.value + 10_000, by=None, state="submitted")
    assert progress.compute([trees], datetime.date(2024, 6, 20))[trees.pk].result > before["ENV-TREES"][0]

    assert headline(seed) == before
    assert {r.target_id: r.figures for r in seed.reviews.all()} == stored
    # ... and computing again as of the meeting day gives the same figures.
    again = progress.compute(agenda_targets(seed.host, seed.date), seed.date)
    assert all(freeze(again[target_id]) == figures for target_id, figures in stored.items())


def test_the_figures_of_a_meeting_held_are_final(seed, verifier):
    with pytest.raises(ValidationError):
        take_figures(seed, verifier)


def test_a_meeting_set_up_ahead_takes_its_figures_again_until_its_day_is_over(verifier, clock, reopened_months):
    clock(2024, 6, 20, 9)
    meeting = new_meeting(datetime.date(2024, 7, 5), verifier)
    assert meeting.figures_as_of == datetime.date(2024, 6, 20) and not meeting.figures_final
    trees = Target.objects.get(code="ENV-TREES")
    record_result(target=trees, unit=Unit.objects.get(code="1001"), period=JUNE, value=700, by=None, state="submitted")
    clock(2024, 7, 5, 16)
    take_figures(meeting, verifier)
    meeting.refresh_from_db()
    assert meeting.figures_as_of == datetime.date(2024, 7, 5) and not meeting.figures_final
    assert headline(meeting)["ENV-TREES"][0] == 218_910 + 700
    clock(2024, 7, 6, 8)
    take_figures(meeting, verifier)
    meeting.refresh_from_db()
    assert meeting.figures_final
    with pytest.raises(ValidationError):
        take_figures(meeting, verifier)


def test_problems_are_prefilled_from_the_notes_of_the_districts_furthest_behind(verifier, clock, reopened_months):
    trees = Target.objects.get(code="ENV-TREES")
    figure = progress.compute([trees], datetime.date(2024, 7, 1))[trees.pk]
    last = figure.lagging[0].unit
    clock(2024, 6, 20, 9)
    record_result(target=trees, unit=last, period=JUNE, value=1, note="กล้าไม้ส่งมอบล่าช้า", by=None, state="submitted")
    record_result(target=trees, unit=figure.districts[0].unit if figure.districts[0].unit not in [u.unit for u in figure.lagging] else figure.districts[-1].unit,
                  period=JUNE, value=1, note="ไม่ควรปรากฏ", by=None, state="submitted")
    clock(2024, 7, 10, 9)
    meeting = new_meeting(datetime.date(2024, 7, 5), verifier)
    problems = meeting.reviews.get(target=trees).problems
    assert f"{last.name}: กล้าไม้ส่งมอบล่าช้า" in problems and "ไม่ควรปรากฏ" not in problems


def test_actions_are_numbered_and_stay_on_the_agenda_until_closed(seed, verifier, clock):
    clock(2024, 6, 7, 15)
    action = record_action(Action(meeting=seed, description="เร่งรัดสวน 15 นาที", responsible=Unit.objects.get(code="ENV"),
                                  target=Target.objects.get(code="ENV-PARKS"), due_on=datetime.date(2024, 6, 30)), verifier)
    assert action.number == 2 and action.history.get().history_user == verifier
    clock(2024, 7, 10, 9)
    july = new_meeting(datetime.date(2024, 7, 5), verifier)
    carried = agenda.load(july).carried
    assert [(a.number, a.is_overdue_on(july.date)) for a in carried] == [(1, True), (2, True)]

    action.state = Action.State.DONE
    record_action(action, verifier, today=datetime.date(2024, 7, 8))
    assert action.closed_on == datetime.date(2024, 7, 8)
    august = new_meeting(datetime.date(2024, 8, 2), verifier)
    assert [a.number for a in agenda.load(august).carried] == [1]
    # The July meeting still shows it open, as it was that day.
    assert [(a.number, a.state_on(july.date)) for a in agenda.load(july).carried] == [(1, "open"), (2, "open")]


def test_an_action_cannot_be_closed_before_its_meeting(seed, verifier):
    action = seed.actions.get()
    action.state, action.closed_on = Action.State.DROPPED, datetime.date(2024, 6, 1)
    with pytest.raises(ValidationError):
        record_action(action, verifier)
    assert Action.objects.get(pk=action.pk).state == "open"


def test_a_review_keeps_its_steps_with_their_history(seed, verifier):
    review = seed.reviews.get(target__code="ENV-WASTE-POINTS")
    review.approaches = "สยป. มีหนังสือถึงสำนักงานเขต"
    first = Step(description="สำนักงานเขตผูก OKR", due_on=datetime.date(2024, 6, 30))
    record_review(review, [(first, False)], verifier)
    assert review.steps.get().history.get().history_user == verifier
    bad = Step(description="ผิด", starts_on=datetime.date(2024, 7, 1), due_on=datetime.date(2024, 6, 1))
    review.approaches = "ไม่ควรบันทึก"
    with pytest.raises(ValidationError):
        record_review(review, [(first, True), (bad, False)], verifier)
    review.refresh_from_db()
    assert review.approaches == "สยป. มีหนังสือถึงสำนักงานเขต"
    assert list(review.steps.values_list("description", flat=True)) == ["สำนักงานเขตผูก OKR"]
