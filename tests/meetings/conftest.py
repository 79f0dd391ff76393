"""The demo's 7 June 2024 meeting."""
import datetime

import pytest

from tracker.meetings.models import Meeting

MEETING_DAY = datetime.date(2024, 6, 7)


@pytest.fixture
def seed(db):
    return Meeting.objects.select_related("host").get(host__code="ENV", date=MEETING_DAY)
