"""The data version: every write advances it, in the writer's transaction; a rolled-back write does not."""
import datetime

import pytest
from django.db import transaction

from tests.reporting.conftest import person
from tracker.caching.versions import current
from tracker.meetings.models import Action, Meeting
from tracker.meetings.recording import record_action
from tracker.okrs.models import Project
from tracker.okrs.recording import record_project
from tracker.org.models import Role, Unit
from tracker.targets.models import Target
from tracker.targets.recording import record_allocations, record_result, record_results

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)


@pytest.fixture
def verifier(db):
    return person("verifier-env", ("ENV", Role.VERIFIER))


def trees():
    return Target.objects.get(code="ENV-TREES")


def test_loading_the_fixtures_set_a_version():
    assert current() > 0


@pytest.mark.parametrize("write", ["result", "results in bulk", "allocations", "target", "project", "action"])
def test_every_kind_of_write_advances_it(write, verifier, clock):
    clock(2024, 6, 20, 9)
    before = current()
    phra_nakhon = Unit.objects.get(code="1001")
    if write == "result":
        record_result(target=trees(), unit=phra_nakhon, period=JUNE, value=5, by=None)
    elif write == "results in bulk":
        record_results([{"target": trees(), "unit": phra_nakhon, "period": JUNE, "value": 5, "note": ""}], by=None)
    elif write == "allocations":
        record_allocations(trees(), {phra_nakhon: 9_999}, by=verifier)
    elif write == "target":
        target = trees()
        target.name_en = "Trees"
        target.save()
    elif write == "project":
        project = Project.objects.get(code="ENV-PRJ-001")
        project.progress = 50
        record_project(project, list(project.okrs.all()), verifier)
    elif write == "action":
        record_action(Action(meeting=Meeting.objects.get(), description="x", responsible=phra_nakhon,
                             due_on=datetime.date(2024, 7, 1)), verifier)
    assert current() > before


def test_a_write_rolled_back_leaves_it(verifier, clock):
    clock(2024, 6, 20, 9)
    before = current()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_result(target=trees(), unit=Unit.objects.get(code="1001"), period=JUNE, value=5, by=None)
        raise RuntimeError
    assert current() == before
