"""Generated bad input posted to the report grid: saved whole when every cell is valid, else nothing, never a 500."""
import datetime
from decimal import Decimal, InvalidOperation

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import form_fields
from tracker.targets.models import Result, ResultRevision, Target

pytestmark = pytest.mark.django_db
URL = "/report/1001/2024-06/"
CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "0", "1,250", "๑๒๓", "-1", "1.5", "100.01", "99.99", "1e3", "NaN", "Infinity", " 7 ", "1,2,3",
                     "٣", "12.345", "0x1F", "=1+1", "\x00", "9" * 20]),
    st.decimals(min_value=-1000, max_value=10**13, allow_nan=False, places=3).map(str),
)
CODES = ["ENV-TREES", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-POINTS"]


def acceptable(code, text):
    """Whether a cell should be accepted, by the rules stated independently of the code under test."""
    cleaned = text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return True
    if not all(c in "0123456789.+-" for c in cleaned):
        return False
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return False
    percent = code == "ENV-WASTE-COLLECTION"
    decimals = 2 if percent else 0
    return value >= 0 and (not percent or value <= 100) and value == round(value, decimals) and value < 10**11


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.fixed_dictionaries({code: CELL for code in CODES}), note=st.text(max_size=50), action=st.sampled_from(["draft", "submit", "x"]))
def test_a_generated_post_is_saved_whole_or_not_at_all(client, people, cells, note, action):
    client.force_login(people["reporter"])
    ids = {t.code: t.pk for t in Target.objects.filter(code__in=CODES)}
    with transaction.atomic():
        data = form_fields(client.get(URL).content.decode())
        for code, text in cells.items():
            data[f"value-{ids[code]}"] = text
            data[f"note-{ids[code]}"] = note
        before = (Result.objects.count(), ResultRevision.objects.count())
        response = client.post(URL, {**data, "action": action})
        valid = all(acceptable(code, text) for code, text in cells.items()) and "\x00" not in note
        if valid:
            assert response.status_code == 302, cells
            saved = Result.objects.filter(unit__code="1001", period=datetime.date(2024, 6, 1))
            assert saved.count() == sum(1 for text in cells.values() if text.strip())
        else:
            assert response.status_code == 400, cells
            assert (Result.objects.count(), ResultRevision.objects.count()) == before
        transaction.set_rollback(True)

