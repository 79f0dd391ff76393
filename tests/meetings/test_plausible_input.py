"""Plausible data only: staff-entered dates lie within the fiscal years the system holds (± a few),
a BE year typed into any date field is read as BE, and free text has a length; the forms say so in
the reader's language, and the database's check constraints hold the same."""
import datetime
import re
from html import unescape

import pytest
from django.db import DataError, IntegrityError, transaction

from tests.factories import person
from tests.okrs.test_unit_page import project_post
from tracker.lib import fiscal
from tracker.meetings.models import Action, Meeting, Step
from tracker.okrs.models import Project
from tracker.org.models import Role, Unit

pytestmark = pytest.mark.django_db
RANGE_EN = "Enter a date between 1 Oct 2013 and 30 Sep 2032."


def new_meeting(client, people, date, **extra):
    client.force_login(people["host_verifier"])
    data = {"host": Unit.objects.get(code="ENV").pk, "date": date, "chair_th": "ประธานที่ปรึกษาฯ", **extra}
    return client.post("/meetings/new/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_range_is_the_fiscal_years_held_and_a_few_more():
    assert fiscal.plausible_days() == (datetime.date(2013, 10, 1), datetime.date(2032, 9, 30))


@pytest.mark.parametrize("typed", ["9999-12-31", "1900-01-01", "2032-10-01", "2013-09-30"])
def test_an_implausible_meeting_date_is_refused_and_nothing_saved(client, people, typed):
    response = new_meeting(client, people, typed)
    assert response.status_code == 400
    assert RANGE_EN in unescape(response.content.decode())
    assert Meeting.objects.count() == 1  # the demo's only


@pytest.mark.parametrize("typed", ["2567-07-20", "20/7/2567", "2024-07-20"])
def test_a_be_year_is_read_as_be(client, people, typed):
    response = new_meeting(client, people, typed)
    assert response.status_code == 302
    assert Meeting.objects.filter(host__code="ENV").order_by("-date").first().date == datetime.date(2024, 7, 20)


def test_the_date_picker_offers_the_plausible_days_only(client, people):
    client.force_login(people["host_verifier"])
    html = client.get("/meetings/new/").content.decode()
    field = re.search(r'<input type="date" name="date"[^>]*>', html).group(0)
    assert 'min="2013-10-01"' in field and 'max="2032-09-30"' in field


def test_too_long_notes_and_attendees_are_refused_with_their_limits(client, people):
    response = new_meeting(client, people, "2024-07-20", notes="ก" * 20_001, attendees_th="ข" * 5_001)
    assert response.status_code == 400
    text = unescape(response.content.decode())
    assert "Ensure this value has at most 20000 characters (it has 20001)." in text
    assert "Ensure this value has at most 5000 characters (it has 5001)." in text
    assert Meeting.objects.count() == 1


def test_an_action_due_in_be_is_read_as_be_and_one_in_9999_refused(client, people):
    seed = Meeting.objects.get()
    client.force_login(people["coordinator"])
    data = {"description": "เร่งรัด", "responsible": seed.host_id}
    refused = client.post(f"/meetings/{seed.pk}/actions/new/", {**data, "due_on": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and RANGE_EN in unescape(refused.content.decode())
    assert client.post(f"/meetings/{seed.pk}/actions/new/", {**data, "due_on": "31/7/2567"}).status_code == 302
    assert seed.actions.get(number=2).due_on == datetime.date(2024, 7, 31)


def test_a_step_in_be_is_read_as_be(client, people):
    seed = Meeting.objects.get()
    client.force_login(people["host_verifier"])
    response = client.post(f"/meetings/{seed.pk}/targets/ENV-PARKS/", {
        "problems": "", "approaches": "", "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
        "steps-0-description": "สำรวจพื้นที่", "steps-0-starts_on": "2567-07-01", "steps-0-due_on": "31/8/2567",
    })
    assert response.status_code == 302
    assert list(Step.objects.values_list("starts_on", "due_on")) == [(datetime.date(2024, 7, 1), datetime.date(2024, 8, 31))]


def test_a_projects_report_date_in_be_is_read_as_be(client):
    client.force_login(person("reporter-env", ("ENV", Role.REPORTER)))
    response = client.post("/okrs/unit/ENV/project/ENV-PRJ-001/", project_post(last_reported_on="2567-06-05"))
    assert response.status_code == 302
    assert Project.objects.get(code="ENV-PRJ-001").last_reported_on == datetime.date(2024, 6, 5)


@pytest.mark.parametrize(("model", "change"), [
    (Meeting, {"date": datetime.date(9999, 12, 31)}),
    (Meeting, {"date": datetime.date(1900, 1, 1)}),
    (Meeting, {"notes": "x" * 20_001}),
    (Action, {"due_on": datetime.date(2567, 9, 30)}),  # a BE year stored as CE
    (Action, {"outcome": "x" * 5_001}),
    (Project, {"last_reported_on": datetime.date(1900, 1, 1)}),
    (Project, {"name_th": "x" * 401}),
])
def test_the_database_refuses_what_comes_round_the_forms(model, change):
    # A check constraint (IntegrityError), or on PostgreSQL a varchar's own length (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        model.objects.filter(pk=model.objects.order_by("pk").first().pk).update(**change)
