"""Every URL × every role, driven by the URL configuration: each URL is declared a write (with who may
make it) or read-only, so a new one cannot be forgotten. A write happens only where it belongs;
everyone else is sent to log in or refused (403) and not a row of the database changes; never a 500."""
import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse

from tracker.meetings.models import Meeting
from tracker.okrs.models import Okr, Project
from tracker.org.models import Unit
from tracker.reporting.grid import stamp as result_stamp
from tracker.reporting.models import Reminder
from tracker.reporting.views.allocations import stamp as allocation_stamp
from tracker.targets.models import Allocation, ClosedMonth, Result, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
ROLES = ["anonymous", "viewer", "other_reporter", "reporter", "host_verifier", "other_verifier", "coordinator", "admin"]


def trees():
    return Target.objects.get(code="ENV-TREES")


def phra_nakhon():
    return Unit.objects.get(code="1001")


def june_result():
    return Result.objects.filter(target__code="ENV-TREES", unit__code="1001", period=JUNE).first()


def report_post(people):
    return "/report/1001/2024-06/", {f"seen-{trees().pk}": "", f"value-{trees().pk}": "123", "action": "submit"}


def report_done():
    return june_result() is not None


def verify_post(people):
    submitted = record_result(target=trees(), unit=phra_nakhon(), period=JUNE, value=50, state="submitted", by=people["reporter"])
    return "/verify/ENV-TREES/2024-06/", {"action-1001": "verify", "seen-1001": result_stamp(submitted), "action": "save"}


def verify_done():
    return june_result().state == "verified"


def allocations_post(people):
    allocation = Allocation.objects.get(target__code="ENV-TREES", unit__code="1001")
    return "/allocations/ENV-TREES/", {"seen-1001": allocation_stamp(allocation), "value-1001": "6000"}


def allocations_done():
    return Allocation.objects.get(target__code="ENV-TREES", unit__code="1001").value == 6000


def close_month_post(people):
    return "/report/months/2024-06/", {"action": "close"}


def close_month_done():
    return ClosedMonth.objects.filter(period=JUNE).exists()


def reopen_month_post(people):
    return "/report/months/2024-05/", {"action": "reopen"}


def reopen_month_done():
    return not ClosedMonth.objects.filter(period=datetime.date(2024, 5, 1)).exists()


def admin_result_post(people):
    return "/admin/targets/result/add/", {
        "target": trees().pk, "unit": phra_nakhon().pk, "period": "2024-06-01", "value": "5", "state": "submitted",
        "note": "", "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
    }


def admin_user_post(people):
    return "/admin/auth/user/add/", {
        "username": "new-person", "password1": "ต้นไม้-ล้านต้น-2567", "password2": "ต้นไม้-ล้านต้น-2567",
        "usable_password": "true", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-0-language": "en",
    }


def admin_user_done():
    return get_user_model().objects.filter(username="new-person").exists()


def reminders_post(people):
    people["reporter"].email = "reporter-1001@example.org"
    people["reporter"].save()
    return "/compliance/2024-06/", {"action": "remind"}


def reminders_done():
    return Reminder.objects.filter(unit__code="1001", month=JUNE).exists()


def district_okr():
    okr, _ = Okr.objects.get_or_create(
        code="1001-OKR-01", defaults={"unit": phra_nakhon(), "target": trees(), "fiscal_year": 2567, "name_th": "ปลูกต้นไม้"},
    )
    return okr


def new_okr_post(people):
    return "/okrs/unit/1001/new/", {
        "new-code": "1001-OKR-02", "new-name_th": "ปลูกต้นไม้เพิ่ม", "new-target": trees().pk,
        "new-key_result_start": "0", "new-key_result_target": "5000",
    }


def new_okr_done():
    return Okr.objects.filter(code="1001-OKR-02").exists()


def edit_okr_post(people):
    okr = district_okr()
    return "/okrs/unit/1001/okr/1001-OKR-01/", {
        f"okr-{okr.pk}-name_th": "ปลูกต้นไม้ 5,000 ต้น", f"okr-{okr.pk}-target": trees().pk,
        f"okr-{okr.pk}-key_result_start": "0", f"okr-{okr.pk}-key_result_target": "5000",
    }


def edit_okr_done():
    return Okr.objects.get(code="1001-OKR-01").name_th == "ปลูกต้นไม้ 5,000 ต้น"


def edit_project_post(people):
    project, _ = Project.objects.get_or_create(code="1001-PRJ-01", defaults={"unit": phra_nakhon(), "name_th": "ปลูกต้นไม้ริมคลอง"})
    return "/okrs/unit/1001/project/1001-PRJ-01/", {
        f"project-{project.pk}-status": "completed", f"project-{project.pk}-progress": "100",
        f"project-{project.pk}-last_reported_on": "2024-06-05", f"project-{project.pk}-okrs": [district_okr().pk],
    }


def edit_project_done():
    return Project.objects.get(code="1001-PRJ-01").status == "completed"


def seed_meeting():
    return Meeting.objects.get(host__code="ENV", date="2024-06-07")


def new_meeting_post(people):
    return "/meetings/new/", {"host": Unit.objects.get(code="ENV").pk, "date": "2024-07-05", "chair_th": "ประธานที่ปรึกษาฯ"}


def new_meeting_done():
    return Meeting.objects.filter(date="2024-07-05").exists()


def edit_meeting_post(people):
    meeting = seed_meeting()
    return f"/meetings/{meeting.pk}/edit/", {"number": "3/2567", "chair_th": meeting.chair_th}


def edit_meeting_done():
    return seed_meeting().number == "3/2567"


def review_post(people):
    return f"/meetings/{seed_meeting().pk}/targets/ENV-PARKS/", {
        "problems": "พื้นที่จำกัด", "approaches": "", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
    }


def review_done():
    return seed_meeting().reviews.get(target__code="ENV-PARKS").problems == "พื้นที่จำกัด"


def new_action_post(people):
    return f"/meetings/{seed_meeting().pk}/actions/new/", {
        "description": "เร่งรัด", "responsible": Unit.objects.get(code="ENV").pk, "due_on": "2024-07-31",
    }


def new_action_done():
    return seed_meeting().actions.count() == 2


def close_action_post(people):
    action = seed_meeting().actions.get(number=1)
    return f"/meetings/{seed_meeting().pk}/actions/1/", {
        "target": action.target_id, "description": action.description, "responsible": action.responsible_id,
        "due_on": "2024-06-30", "state": "done", "closed_on": "2024-06-28", "outcome": "",
    }


def close_action_done():
    return seed_meeting().actions.get(number=1).state == "done"


def future_meeting():
    """A meeting of ENV a week ahead: its figures may still be taken again."""
    from tracker.meetings.recording import create_meeting

    meeting = Meeting(host=Unit.objects.get(code="ENV"), date=datetime.date.today() + datetime.timedelta(days=7),
                      chair_th="ประธานที่ปรึกษาฯ")
    create_meeting(meeting, by=None)
    return Meeting.objects.get(pk=meeting.pk)


def figures_post(people):
    meeting = future_meeting()
    meeting_figures_taken.clear()
    meeting_figures_taken.append((meeting.pk, meeting.figures_taken_at))
    return f"/meetings/{meeting.pk}/figures/", {}


meeting_figures_taken = []


def figures_done():
    pk, taken = meeting_figures_taken[0]
    return Meeting.objects.get(pk=pk).figures_taken_at != taken


def with_passwords(people):
    for user in people.values():
        if user is not None:
            user.set_password(OLD_PASSWORD)
            user.save()


OLD_PASSWORD, NEW_PASSWORD = "ต้นไม้-ล้านต้น-2567", "สวน-15-นาที-2568"


def password_post(people):
    with_passwords(people)
    return "/accounts/password/", {"old_password": OLD_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def password_done():
    return any(user.check_password(NEW_PASSWORD) for user in get_user_model().objects.all())


def language_post(people):
    return "/i18n/setlang/", {"language": "en", "next": "/"}


def language_done():
    from tracker.org.models import Profile

    return Profile.objects.filter(language="en").exists()


# Every URL that takes a write, by its name in the URL configuration (several requests for one URL
# where it does several things): (the request, whether it happened, the roles allowed to make it).
# Django's admin is superuser-only as a whole (tests/org/test_accounts.py); two of its writes are here.
EVERYONE_SIGNED_IN = set(ROLES) - {"anonymous"}
WRITES = {
    "reporting:report": [(report_post, report_done, {"reporter", "admin"})],
    "reporting:verify": [(verify_post, verify_done, {"host_verifier", "admin"})],
    "reporting:allocations": [(allocations_post, allocations_done, {"host_verifier", "admin"})],
    "reporting:close_month": [
        (close_month_post, close_month_done, {"coordinator", "admin"}),
        (reopen_month_post, reopen_month_done, {"coordinator", "admin"}),
    ],
    "reporting:compliance": [(reminders_post, reminders_done, {"coordinator", "admin"})],
    "okrs:new_okr": [(new_okr_post, new_okr_done, {"reporter", "admin"})],
    "okrs:okr": [(edit_okr_post, edit_okr_done, {"reporter", "admin"})],
    "okrs:project": [(edit_project_post, edit_project_done, {"reporter", "admin"})],
    "meetings:new": [(new_meeting_post, new_meeting_done, {"host_verifier", "coordinator", "admin"})],
    "meetings:edit": [(edit_meeting_post, edit_meeting_done, {"host_verifier", "coordinator", "admin"})],
    "meetings:figures": [(figures_post, figures_done, {"host_verifier", "coordinator", "admin"})],
    "meetings:review": [(review_post, review_done, {"host_verifier", "coordinator", "admin"})],
    "meetings:new_action": [(new_action_post, new_action_done, {"host_verifier", "coordinator", "admin"})],
    "meetings:action": [(close_action_post, close_action_done, {"host_verifier", "coordinator", "admin"})],
    "password_change": [(password_post, password_done, EVERYONE_SIGNED_IN)],
    # An anonymous reader's switch sets a cookie and writes nothing; a signed-in person's is kept.
    "set_language": [(language_post, language_done, EVERYONE_SIGNED_IN)],
    "admin:targets_result_add": [(admin_result_post, report_done, {"admin"})],
    "admin:auth_user_add": [(admin_user_post, admin_user_done, {"admin"})],
}
# Writes with a test of their own, where one request cannot show them.
TESTED_ELSEWHERE = {
    "reporting:import": "test_an_import_is_saved_only_for_those_who_may_report_the_unit (a check, then a confirm)",
    "login": "tests/org/test_accounts.py, tests/test_login_behind_nginx.py",
    "logout": "tests/org/test_accounts.py::test_log_out_is_a_post_and_returns_to_the_overview",
}
# Pages that only read: a POST by anyone changes nothing (test_a_read_only_url_writes_nothing).
READ_ONLY = {
    "healthz", "password_change_done", "dashboard:overview", "dashboard:bureau", "dashboard:target",
    "dashboard:district", "dashboard:okrs", "dashboard:projects", "reporting:home", "reporting:months",
    "reporting:verify_list", "reporting:compliance_latest", "okrs:unit", "meetings:list", "meetings:meeting",
    "meetings:brief", "meetings:brief_pdf", "meetings:present",
}
# An address for each read-only URL, its parameters from the demo data.
READ_ONLY_ADDRESSES = {
    "dashboard:bureau": {"code": "ENV"}, "dashboard:target": {"code": "ENV-TREES"},
    "dashboard:district": {"code": "1001"}, "okrs:unit": {"unit_code": "1001"},
    "meetings:meeting": "seed", "meetings:brief": "seed", "meetings:brief_pdf": "seed", "meetings:present": "seed",
}
CASES = [(name, n) for name, cases in WRITES.items() for n in range(len(cases))]


def url_names(patterns=None, namespace=None):
    """Every named URL of the site (Django's admin aside), as ``namespace:name``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    """A new URL fails here until it says whether it writes, and who may."""
    names = set(url_names())
    declared = {name for name in WRITES if not name.startswith("admin:")} | set(TESTED_ELSEWHERE) | READ_ONLY
    assert names - declared == set(), "URLs missing from the permission matrix"
    assert declared - names == set(), "URLs in the matrix that the site no longer has"


def database_state():
    """Every table's rows (sessions and log-in attempts aside: signing in writes those), to compare
    before and after a request."""
    skipped = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "axes_accessattemptexpiration"}
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names()) - skipped):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608 - the database's own table names
            state[table] = cursor.fetchall()
    return state


def changed_tables(before, after):
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("write", "case"), CASES)
def test_a_write_happens_only_where_it_belongs(client, people, write, case, role):
    request, happened, allowed = WRITES[write][case]
    url, data = request(people)
    if people[role] is not None:
        client.force_login(people[role])
    before = database_state()
    response = client.post(url, data)
    after = database_state()
    if role in allowed:
        assert response.status_code == 302, (write, role, response.status_code)
        assert happened(), (write, role)
    else:
        assert response.status_code in (302, 403), (write, role, response.status_code)
        if response.status_code == 302 and write != "set_language":
            assert "/login/" in response["Location"], (write, role, response["Location"])
        assert not happened(), (write, role)
        assert changed_tables(before, after) == [], (write, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_a_read_only_url_writes_nothing(client, people, name, role):
    arguments = READ_ONLY_ADDRESSES.get(name, {})
    if arguments == "seed":
        arguments = {"pk": seed_meeting().pk}
    url = reverse(name, kwargs=arguments)
    if people[role] is not None:
        client.force_login(people[role])
    before = database_state()
    response = client.post(url, {"action": "close", "value": "1", "language": "en"})
    assert response.status_code in (200, 302, 403, 405), (name, role, response.status_code)
    assert changed_tables(before, database_state()) == [], (name, role)


@pytest.mark.parametrize(("role", "links"), [
    ("anonymous", set()), ("reporter", set()), ("other_verifier", set()),
    ("host_verifier", {"/verify/ENV-TREES/2024-06/", "/allocations/ENV-TREES/"}),
    ("coordinator", {"/verify/ENV-TREES/2024-06/", "/allocations/ENV-TREES/"}),
])
def test_the_target_page_links_to_the_staff_pages_a_role_opens(client, people, role, links):
    if people[role] is not None:
        client.force_login(people[role])
    html = client.get("/targets/ENV-TREES/?as_of=2024-06-07").content.decode()
    main = html[html.index("<main"):]  # the header's own links aside
    shown = set(re.findall(r'href="(/(?:verify|allocations)/[^"]*)"', main))
    assert shown == links


@pytest.mark.parametrize("role", ROLES)
def test_an_import_is_saved_only_for_those_who_may_report_the_unit(client, people, role):
    """Import for district 1001: its reporters, coordinators and the admin; another district's
    reporter reaches the page but the row is refused; everyone else is turned away."""
    if people[role] is not None:
        client.force_login(people[role])
    upload = SimpleUploadedFile("june.csv", b"target_code,district_code,month,value,note\nENV-TREES,1001,2024-06,321,\n")
    checked = client.post("/import/", {"file": upload})
    assert checked.status_code in (200, 302, 400, 403), (role, checked.status_code)
    digest = re.search(r'name="digest" value="([^"]+)"', checked.content.decode()) if checked.status_code == 200 else None
    if digest:
        plan = re.search(r'name="plan" value="([^"]+)"', checked.content.decode()).group(1)
        client.post("/import/", {"action": "confirm", "digest": digest.group(1), "plan": plan})
    saved = june_result() is not None and june_result().value == 321
    assert saved == (role in {"reporter", "coordinator", "admin"}), (role, checked.status_code)
    if role == "anonymous":
        assert checked.status_code == 302 and "/login/" in checked["Location"]
