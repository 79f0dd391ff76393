"""The bureau page lists the follow-up actions still open on the date shown, overdue ones marked,
and each target card counts its open and overdue actions."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers import page_html, section, text_of
from tracker.meetings.models import Action, Meeting
from tracker.meetings.recording import record_action
from tracker.org.models import Unit
from tracker.targets.models import Target

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def late(db):
    """An action of the 7 June 2024 meeting due on 10 June (the demo's own is due on 30 June)."""
    meeting = Meeting.objects.get(host__code="ENV", date=datetime.date(2024, 6, 7))
    return record_action(Action(
        meeting=meeting, target=Target.objects.get(code="ENV-PARKS"), responsible=Unit.objects.get(code="ENV"),
        description="Speed up the parks of the districts furthest behind", due_on=datetime.date(2024, 6, 10),
    ), None)


def actions_section(html):
    return re.search(r'<section class="panel" id="actions".*?</section>', html, flags=re.S).group(0)


def rows(html):
    return dict(re.findall(r'<tr data-action="([\d-]+)"( class="overdue")?', actions_section(html)))


def test_open_actions_are_listed_with_the_overdue_ones_marked(client, late):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-20", **EN)
    seed = Action.objects.get(meeting=late.meeting, number=1)
    assert rows(html) == {f"{late.meeting_id}-{late.number}": ' class="overdue"', f"{seed.meeting_id}-1": ""}
    listed = text_of(actions_section(html))
    assert "Speed up the parks" in listed and "Environment Department" in listed and "10 Jun 2024 overdue" in listed
    assert "Strategy and Evaluation" in listed or Unit.objects.get(code="SED").name_en in listed
    assert f'href="/meetings/{late.meeting_id}/"' in actions_section(html)


def test_each_target_card_counts_its_open_and_overdue_actions(client, late):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-20", **EN)

    def count(code):
        return text_of(re.search(rf'data-actions="{code}">(.*?)</p>', html, flags=re.S).group(1))

    assert count("ENV-PARKS") == "Follow-up actions: 1 open · 1 overdue"
    assert count("ENV-WASTE-POINTS") == "Follow-up actions: 1 open"
    assert count("ENV-TREES") == "Follow-up actions: none open"


def test_before_the_meeting_and_after_closing_nothing_is_open(client, late):
    assert rows(page_html(client, "/bureaus/ENV/?as_of=2024-06-06", **EN)) == {}
    late.state = Action.State.DONE
    record_action(late, None, today=datetime.date(2024, 6, 25))
    assert f"{late.meeting_id}-{late.number}" in rows(page_html(client, "/bureaus/ENV/?as_of=2024-06-24", **EN))
    after = page_html(client, "/bureaus/ENV/?as_of=2024-06-25", **EN)
    assert f"{late.meeting_id}-{late.number}" not in rows(after)
    assert "Follow-up actions: none open" in text_of(section(after, "ENV-PARKS"))


def test_a_day_before_it_was_closed_it_shows_open_and_what_it_is_now(client, late):
    late.state = Action.State.DONE
    record_action(late, None, today=datetime.date(2024, 6, 25))
    listed = text_of(actions_section(page_html(client, "/bureaus/ENV/?as_of=2024-06-24", **EN)))
    assert "now: Done (25 Jun 2024)" in listed


def test_actions_cost_one_query_however_many(client, late, django_assert_num_queries):
    url = "/bureaus/ENV/?as_of=2024-06-20"
    with CaptureQueriesContext(connection) as one:
        page_html(client, url)
    for n in range(5):
        record_action(Action(meeting=late.meeting, target=late.target, responsible=late.responsible,
                             description=f"more {n}", due_on=datetime.date(2024, 6, 1 + n)), None)
    with django_assert_num_queries(len(one)):
        page_html(client, url)
