"""Loading the fixtures again (``make run`` does, every time) updates the same rows and touches nothing else."""
import datetime

import pytest
from django.core.management import call_command

from tracker.okrs.models import Okr, Project
from tracker.org.models import Unit
from tracker.targets.models import Allocation, Result, ResultRevision, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db

MODELS = [Unit, Target, Allocation, Result, ResultRevision, Okr, Project]


def test_loading_twice_changes_nothing_and_keeps_other_results():
    # A result someone entered later, for a month the demo data leaves empty.
    staff = record_result(
        target=Target.objects.get(code="ENV-WASTE-POINTS"), unit=Unit.objects.get(code="1001"),
        period=datetime.date(2024, 6, 1), value=3, by=None,
    )
    edited = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2023, 10, 1))
    original_value = edited.value
    Result.objects.filter(pk=edited.pk).update(value=original_value + 1)
    before = {model.__name__: model.objects.count() for model in MODELS}

    call_command("loaddata", "reference", "demo_meeting_2567", verbosity=0)

    assert {model.__name__: model.objects.count() for model in MODELS} == before
    staff.refresh_from_db()
    assert staff.value == 3 and staff.revisions.count() == 1
    edited.refresh_from_db()
    assert edited.value == original_value  # the fixture's row is put back as it was
