"""Generated bad input for the recording function: a clear refusal or a valid result, never a crash or a half-save."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.org.models import Unit
from tracker.targets.models import Result, ResultRevision, Target
from tracker.targets.recording import record_result
from tracker.web.exports import FORMULA_STARTS, inert

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1,250", " 12 ", "1e3", "0x10", "١٢٣", "๑๒๓", "12.345", "100.001", "", "-0"]),
)
MONTHS = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
STATES = st.sampled_from([*Result.State.values, "", "approved", "DRAFT"])
NOTES = st.text(max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(["ENV-TREES", "ENV-WASTE-COLLECTION"]), unit=st.sampled_from(["1001", "ENV", "1050"]),
       period=MONTHS, value=VALUES, state=STATES, note=NOTES, language=st.sampled_from(["th", "en"]))
@example(code="ENV-TREES", unit="1001", period=datetime.date(2024, 5, 1), value="5", state="submitted", note="a\x00b", language="th")
def test_any_input_is_saved_whole_or_refused_with_a_message(code, unit, period, value, state, note, language):
    target = Target.objects.get(code=code)
    reporting_unit = Unit.objects.get(code=unit)
    with transaction.atomic():
        before = (Result.objects.count(), ResultRevision.objects.count())
        try:
            with translation.override(language):
                result = record_result(
                    target=target, unit=reporting_unit, period=period, value=value, note=note, state=state, by=None,
                )
        except ValidationError as error:
            assert error.message_dict and all(error.message_dict.values())
            assert (Result.objects.count(), ResultRevision.objects.count()) == before
        else:
            result.refresh_from_db()
            assert result.value >= 0 and result.value == result.value.quantize(Decimal(1).scaleb(-target.decimals))
            assert not target.is_percentage or result.value <= 100
            assert target.first_period() <= result.period <= target.last_period()
            assert target.reporting_error(reporting_unit) is None
            assert result.revisions.order_by("-changed_at", "-pk").first().value == result.value
        transaction.set_rollback(True)


@given(st.text())
def test_no_exported_text_starts_a_formula(text):
    cell = inert(text)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)
