"""Reminders to report a month: sent once per unit within the interval, recorded, from the page or the command."""
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import person
from tracker.org.models import Profile, Role, Unit
from tracker.reporting.models import Reminder
from tracker.reporting.reminders import send_reminders
from tracker.targets.models import Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
URL = "/compliance/2024-06/"


@pytest.fixture
def reporters(people):
    """Reporters with an email for 1001 and 1002; 1003's reporter has none."""
    people["reporter"].email = "r1001@example.org"
    people["reporter"].save()
    people["other_reporter"].email = "r1002@example.org"
    people["other_reporter"].save()
    second = person("reporter-1001-b", ("1001", Role.REPORTER))
    second.email = "r1001-b@example.org"
    second.save()
    person("reporter-1003", ("1003", Role.REPORTER))
    return people


def sent_to():
    return sorted(tuple(sorted(message.to)) for message in mail.outbox)


def test_each_unit_with_reporters_gets_one_email_in_thai_with_its_link(reporters, settings, clock):
    settings.SITE_URL = "https://tracker.example.org"
    clock(2024, 6, 25, 9)
    outcome = send_reminders(JUNE, by=reporters["coordinator"])
    assert sent_to() == [("r1001-b@example.org", "r1001@example.org"), ("r1002@example.org",)]
    assert "1003" in {u.code for u in outcome.no_address} and len(outcome.no_address) == 48
    body = next(m for m in mail.outbox if "r1001@example.org" in m.to).body
    assert "https://tracker.example.org/report/1001/2024-06/" in body
    assert "ENV-WASTE-POINTS" in body
    assert "มิ.ย. 2567" in body and "Jun 2024" not in body  # Thai, since no one chose English
    assert "แจ้งเตือน" in next(m for m in mail.outbox if "r1001@example.org" in m.to).subject
    reminder = Reminder.objects.get(unit__code="1001", month=JUNE)
    assert reminder.sent_by == reporters["coordinator"]
    assert reminder.recipients.splitlines() == ["r1001-b@example.org", "r1001@example.org"]
    assert "ENV-WASTE-POINTS (missing)" in reminder.missing.splitlines()


def test_each_reporter_gets_it_in_the_language_they_chose(reporters, clock):
    Profile.choose(reporters["reporter"], "en")
    clock(2024, 6, 25, 9)
    outcome = send_reminders(JUNE, by=None)
    assert outcome.emails == 3
    assert sent_to() == [("r1001-b@example.org",), ("r1001@example.org",), ("r1002@example.org",)]
    english = next(m for m in mail.outbox if m.to == ["r1001@example.org"])
    thai = next(m for m in mail.outbox if m.to == ["r1001-b@example.org"])
    assert english.subject == "Reminder to report results for Jun 2024" and "Jun 2024" in english.body
    assert "Phra Nakhon" in english.body and "มิ.ย." not in english.body + english.subject
    assert "มิ.ย. 2567" in thai.body and "Jun 2024" not in thai.body
    assert Reminder.objects.get(unit__code="1001").recipients.splitlines() == ["r1001-b@example.org", "r1001@example.org"]


def test_the_language_switch_remembers_the_choice_of_a_logged_in_person(client, reporters):
    client.force_login(reporters["reporter"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert Profile.language_of(reporters["reporter"]) == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not a language of the site: ignored
    assert Profile.language_of(reporters["reporter"]) == "en"
    client.logout()
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})  # anonymous: a cookie only
    assert Profile.language_of(reporters["reporter"]) == "en"


def test_the_chosen_language_comes_back_at_log_in(client, reporters):
    user = reporters["reporter"]
    user.set_password("ต้นไม้-ล้านต้น-2567")
    user.save()
    Profile.choose(user, "en")
    response = client.post("/accounts/login/", {"username": user.username, "password": "ต้นไม้-ล้านต้น-2567"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert "Log out" in client.get("/").content.decode()


def test_a_unit_is_not_reminded_again_within_the_interval(reporters, settings, clock):
    settings.REMINDER_INTERVAL_HOURS = 24
    clock(2024, 6, 25, 9)
    send_reminders(JUNE, by=None)
    assert len(mail.outbox) == 2
    clock(2024, 6, 26, 8)
    outcome = send_reminders(JUNE, by=None)
    assert len(mail.outbox) == 2 and not outcome.sent
    assert {u.code for u in outcome.recent} == {"1001", "1002"}
    clock(2024, 6, 26, 9, 1)
    send_reminders(JUNE, by=None)
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(month=JUNE).count() == 4


def test_a_unit_that_has_reported_everything_is_not_reminded(reporters, clock):
    clock(2024, 9, 1, 9)
    for target in Target.objects.active_in(JUNE).filter(districts_carry=True, allocations__unit__code="1002"):
        record_result(target=target, unit=Unit.objects.get(code="1002"), period=JUNE, value=1,
                      by=reporters["other_reporter"])
    send_reminders(JUNE, by=None)
    assert sent_to() == [("r1001-b@example.org", "r1001@example.org")]


def test_the_page_sends_reminders_once_and_lists_them(client, reporters, clock):
    clock(2024, 6, 25, 9)
    client.force_login(reporters["coordinator"])
    response = client.post(URL, {"action": "remind"})
    assert response.status_code == 302 and response["Location"] == URL
    assert len(mail.outbox) == 2
    client.post(URL, {"action": "remind"})
    assert len(mail.outbox) == 2
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('<tr data-unit="1001">') == 2  # the matrix row and the reminder
    assert "r1001@example.org" in html and "coordinator" in html
    assert "within 24 hours" in html


@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("viewer", 403), ("reporter", 403), ("host_verifier", 403), ("other_verifier", 403),
    ("coordinator", 302), ("admin", 302),
])
def test_only_coordinators_and_the_admin_send_reminders(client, reporters, who, status):
    if reporters[who]:
        client.force_login(reporters[who])
    response = client.post(URL, {"action": "remind"})
    assert response.status_code == status
    assert len(mail.outbox) == (2 if who in ("coordinator", "admin") else 0)
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_verifiers_see_no_send_button(client, reporters):
    client.force_login(reporters["host_verifier"])
    assert 'value="remind"' not in client.get(URL).content.decode()
    client.force_login(reporters["coordinator"])
    assert 'value="remind"' in client.get(URL).content.decode()


def test_the_command_dry_run_says_what_it_would_send_and_sends_nothing(reporters):
    out = io.StringIO()
    call_command("send_reminders", "--month", "2567-06", "--dry-run", stdout=out)
    assert mail.outbox == [] and not Reminder.objects.exists()
    text = out.getvalue()
    assert "Would send to 1001" in text and "r1001@example.org" in text
    assert "1003" in text and "no reporter with an email" in text


def test_the_command_sends_and_records(reporters):
    out = io.StringIO()
    call_command("send_reminders", "--month", "2024-06", stdout=out)
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(month=JUNE, sent_by=None).count() == 2
    assert "Sent 2 reminder(s) for 2024-06" in out.getvalue()


def test_the_command_refuses_a_bad_month():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--month", "2024-13")
