"""The data version: advanced once per transaction, after it commits; a rolled-back write leaves it.
Every write of data a page shows advances ``value``; only what can change a page as of an earlier
day advances ``past`` (a result written with its revision does not); a person's language or a
reminder sent advance neither."""
import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import person
from tracker.meetings.models import Action, Meeting
from tracker.meetings.recording import record_action
from tracker.okrs.models import Project
from tracker.okrs.recording import record_project
from tracker.org.models import Profile, Role, Unit
from tracker.reporting.models import Reminder
from tracker.targets.models import Target
from tracker.targets.recording import record_allocations, record_result, record_results
from tracker.web.versions import current

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)


@pytest.fixture
def verifier(db):
    return person("verifier-env", ("ENV", Role.VERIFIER))


def trees():
    return Target.objects.get(code="ENV-TREES")


def phra_nakhon():
    return Unit.objects.get(code="1001")


def write(kind, verifier):
    if kind == "result":
        record_result(target=trees(), unit=phra_nakhon(), period=JUNE, value=5, by=None)
    elif kind == "results in bulk":
        record_results([{"target": trees(), "unit": phra_nakhon(), "period": JUNE, "value": 5, "note": ""}], by=None)
    elif kind == "allocations":
        record_allocations(trees(), {phra_nakhon(): 9_999}, by=verifier)
    elif kind == "target":
        target = trees()
        target.name_en = "Trees"
        with transaction.atomic():  # as the admin saves it
            target.save()
    elif kind == "project":
        project = Project.objects.get(code="ENV-PRJ-001")
        project.progress = 50
        record_project(project, list(project.okrs.all()), verifier)
    elif kind == "action":
        record_action(Action(meeting=Meeting.objects.get(), description="x", responsible=phra_nakhon(),
                             due_on=datetime.date(2024, 7, 1)), verifier)


def test_loading_the_fixtures_set_both():
    value, past = current()
    assert value > 0 and past > 0


@pytest.mark.parametrize(("kind", "moves_the_past"), [
    ("result", False), ("results in bulk", False), ("allocations", True), ("target", True), ("project", True),
    ("action", True),
])
def test_every_kind_of_write_advances_it_once_committed(kind, moves_the_past, verifier, clock, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    value, past = current()
    with django_capture_on_commit_callbacks(execute=True):
        write(kind, verifier)
        assert current() == (value, past)  # not before the commit
    assert current() == (value + 1, past + 1 if moves_the_past else past)


def test_a_transaction_advances_it_once(verifier, clock, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    value, past = current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for amount in (5, 6, 7):
            record_result(target=trees(), unit=phra_nakhon(), period=JUNE, value=amount, by=None)
        record_allocations(trees(), {phra_nakhon(): 9_999}, by=verifier)
    assert len(callbacks) == 1
    assert current() == (value + 1, past + 1)  # the allocation moved the past too


def test_a_write_rolled_back_leaves_it(clock, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    before = current()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            record_result(target=trees(), unit=phra_nakhon(), period=JUNE, value=5, by=None)
            raise RuntimeError
    assert current() == before


def test_a_language_switch_or_a_reminder_leaves_it(django_capture_on_commit_callbacks):
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    before = current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Profile.objects.update_or_create(user=reporter, defaults={"language": "en"})
        Reminder.objects.create(unit=phra_nakhon(), month=JUNE, sent_by=reporter)
    assert callbacks == [] and current() == before


def test_loading_a_fixture_moves_the_past(django_capture_on_commit_callbacks):
    value, past = current()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", "demo_meeting_2567", verbosity=0)
    assert current() == (value + 1, past + 1)
