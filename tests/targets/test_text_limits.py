"""A result's note and a verifier's reason have a length: every way of writing refuses a longer one
with the same message (the recording functions' rule), and the database holds it too."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import person
from tests.reporting.test_report_grid import URL, ids, post, reporter_client  # noqa: F401  (fixtures)
from tracker.org.models import Role, Unit
from tracker.reporting import importing
from tracker.targets.models import NOTE_LENGTH, Result, ResultRevision, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
MESSAGE = "A note may be at most 2,000 characters long; this one has 2,001. Shorten it and save again."


def test_the_limit():
    assert NOTE_LENGTH == 2_000


def test_the_recording_function_refuses_a_longer_note():
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                      value=5, note="ก" * 2_001, by=reporter)
    assert refused.value.message_dict == {"note": [MESSAGE]}
    assert not Result.objects.filter(period=JUNE, unit__code="1001").exists()


def test_a_note_of_exactly_the_limit_is_kept():
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    result = record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                           value=5, note="ก" * 2_000, by=reporter)
    assert len(result.note) == 2_000


def test_the_grid_marks_the_cell_and_saves_nothing(reporter_client, ids):  # noqa: F811
    response = post(reporter_client, ids, language="en", ENV_TREES="5", note_ENV_TREES="ก" * 2_001)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Result.objects.filter(period=JUNE, unit__code="1001").exists()


def test_an_import_row_with_a_longer_note_is_an_error():
    coordinator = person("coordinator", ("SED", Role.COORDINATOR))
    data = ("target_code,district_code,month,value,note\nENV-TREES,1001,2024-06,5," + "ก" * 2_001 + "\n").encode()
    with translation.override("en"):
        plan = importing.check(importing.read(data), coordinator)
    assert [(row.status, row.errors) for row in plan.rows] == [("error", [f"Row 2, column note: {MESSAGE}"])]


def test_a_longer_reason_for_returning_is_refused():
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    verifier = person("verifier-env", ("ENV", Role.VERIFIER))
    trees, unit = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code="1001")
    record_result(target=trees, unit=unit, period=JUNE, value=5, by=reporter)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record_result(target=trees, unit=unit, period=JUNE, value=5, state="returned", comment="x" * 2_001, by=verifier)
    assert refused.value.message_dict == {"comment": ["A reason may be at most 2,000 characters long; this one has 2,001."]}


@pytest.mark.parametrize("model", [Result, ResultRevision])
def test_the_database_refuses_a_longer_note(model):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=model.objects.order_by("pk").first().pk).update(note="x" * 2_001)
