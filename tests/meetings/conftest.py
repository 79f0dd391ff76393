"""The demo's 7 June 2024 meeting, and the people of the permission matrix."""
import datetime

import pytest

from tests.reporting.conftest import people, person  # noqa: F401  (fixtures shared with the staff pages' tests)
from tracker.meetings.models import Meeting

MEETING_DAY = datetime.date(2024, 6, 7)


@pytest.fixture
def seed(db):
    return Meeting.objects.select_related("host").get(host__code="ENV", date=MEETING_DAY)
