"""Data safety: fixtures load only in the demo, a whole-site dump restores every page's figures, and
nothing with history is deleted (docs/backup.md).

The restore runs in a child process on a fresh, empty database (a new SQLite file, or a new
PostgreSQL database next to the test database) with the commands of docs/backup.md; the child renders
the same pages, and their ``<main>`` must equal the original's. On PostgreSQL the restored database
is then copied again with ``pg_dump``/``pg_restore`` and compared once more.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from tests.conftest import THROUGH_THE_PROXY
from tests.factories import person
from tracker.meetings import recording as meeting_recording
from tracker.meetings.models import Action, Meeting, Review, Step
from tracker.okrs import recording as okr_recording
from tracker.okrs.models import Project
from tracker.org.models import District, Role, Unit
from tracker.targets import recording
from tracker.targets.models import Allocation, Result, Target

ROOT = Path(settings.BASE_DIR)
MEETING_DAY = datetime.date(2024, 6, 7)
# What docs/backup.md leaves out of a whole-site dump: rebuilt by ``migrate``, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes.accessattempt"]
ON_POSTGRESQL = connection.vendor == "postgresql"


def dumpdata_arguments():
    return ["--natural-foreign", *(f"--exclude={name}" for name in EXCLUDED)]


def pages(meeting_pk):
    """The pages whose figures a restore must give back, each with and without ``as_of``."""
    targets = Target.objects.filter(host__code="ENV").order_by("code").values_list("code", flat=True)
    paths = ["/", "/bureaus/ENV/", *(f"/targets/{code}/" for code in targets), "/districts/1001/", "/okrs/",
             "/projects/", f"/meetings/{meeting_pk}/"]
    return [url for path in paths for url in (path, f"{path}?as_of={MEETING_DAY}")]


def main_of(html):
    """The page's ``<main>``, the CSRF token aside."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S)
    assert main, "no <main>"
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', main.group(0))


def render(urls):
    """{url: its <main>} as an anonymous reader sees it, in Thai (the default)."""
    cache.clear()  # pages computed before the last write must not be served from a cache
    client, mains = Client(headers=THROUGH_THE_PROXY), {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        mains[url] = main_of(response.content.decode())
    return mains


def tracker_rows():
    """How many rows each model of our apps holds."""
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"org", "targets", "okrs", "meetings", "reporting"}
    }


def restore(dump, urls):
    """In the child process (a fresh database): migrate, check it is empty, load ``dump``, render ``urls``."""
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    # Neither a migration nor an app's ready() loads anything: only the demo (`make run`) does.
    empty = tracker_rows()
    Client(headers=THROUGH_THE_PROXY).get("/")
    empty_after_a_page = tracker_rows()
    call_command("loaddata", dump, verbosity=0)
    return {"empty": empty, "empty_after_a_page": empty_after_a_page, "rows": tracker_rows(),
            "users": get_user_model().objects.count(), "pages": render(urls)}


CHILD = """
import sys
import django
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment(debug=False)
from tests.test_backup_restore import child_main
child_main(sys.argv[1:])
"""


def child(database_url, *arguments):
    """Run this module in a child process on ``database_url``; its JSON answer."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tracker.settings", "PYTHONPATH": str(ROOT),
           "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *arguments], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    return json.loads(done.stdout.splitlines()[-1])


def postgres_url(name):
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def postgres_database(name):
    """A fresh, empty PostgreSQL database ``name`` (dropped first if a failed run left it)."""
    import psycopg2

    server = psycopg2.connect(postgres_url("postgres"))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    return postgres_url(name)


def drop_postgres_database(name):
    import psycopg2

    server = psycopg2.connect(postgres_url("postgres"))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def make_history(monkeypatch, clock):
    """Results, a correction, a deletion, an allocation, an OKR project and meeting edits, each
    through its recording function, some before the meeting day and some after: history that
    figures "as of" read."""
    coordinator = person("backup-coordinator", ("SED", Role.COORDINATOR))
    reporter = person("backup-reporter", ("1001", Role.REPORTER))
    verifier = person("backup-verifier", ("ENV", Role.VERIFIER))
    trees, points = Target.objects.get(code="ENV-TREES"), Target.objects.get(code="ENV-WASTE-POINTS")
    june = datetime.date(2024, 6, 1)
    phra_nakhon, dusit = District.objects.get(code="1001"), District.objects.get(code="1002")

    clock(2024, 6, 5, 10)
    recording.record_result(target=trees, unit=phra_nakhon, period=june, value="120", by=reporter, note="<b>rain</b>")
    recording.record_result(target=trees, unit=dusit, period=june, value="80", by=coordinator)
    recording.record_allocations(points, {phra_nakhon: Allocation.objects.get(target=points, unit=phra_nakhon).value + 3},
                                 coordinator)
    clock(2024, 6, 20, 9)
    recording.record_result(target=trees, unit=phra_nakhon, period=june, value="150", by=reporter, note="corrected")
    recording.record_result(target=trees, unit=phra_nakhon, period=june, value="150", by=verifier, note="corrected",
                            state=Result.State.VERIFIED)
    recording.delete_result(Result.objects.get(target=trees, unit=dusit, period=june), by=coordinator)
    project = Project.objects.filter(unit__code="ENV").order_by("code").first()
    project.status, project.progress = Project.Status.COMPLETED, 100
    okr_recording.record_project(project, list(project.okrs.all()), coordinator)

    meeting = Meeting.objects.get(host__code="ENV", date=MEETING_DAY)
    review = Review.objects.filter(meeting=meeting).order_by("sort_order").first()
    review.approaches = "Plant with the communities before the rains"
    meeting_recording.record_review(
        review, [(Step(description="Survey the sites", starts_on=june, due_on=datetime.date(2024, 7, 31)), False)],
        coordinator,
    )
    action = Action.objects.filter(meeting=meeting).first()
    action.state, action.outcome = Action.State.DONE, "All 50 districts entered their allocations"
    meeting_recording.record_action(action, coordinator, today=datetime.date(2024, 6, 28))
    monkeypatch.undo()  # the pages "without as_of" are read today, here as in the child process
    return meeting


@pytest.mark.django_db
def test_a_whole_site_dump_restores_every_pages_figures(tmp_path, monkeypatch, clock):
    meeting = make_history(monkeypatch, clock)
    urls = pages(meeting.pk)
    original = render(urls)
    rows = tracker_rows()
    dump = tmp_path / "site.json"
    call_command("dumpdata", *dumpdata_arguments(), "--output", str(dump), verbosity=0)

    if ON_POSTGRESQL:
        name = f"{connection.settings_dict['NAME']}_restore"
        url = postgres_database(name)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        restored = child(url, "restore", str(dump), json.dumps(urls))
        assert not any(restored["empty"].values()), restored["empty"]
        assert not any(restored["empty_after_a_page"].values()), restored["empty_after_a_page"]
        assert restored["rows"] == rows
        for url_ in urls:
            assert restored["pages"][url_] == original[url_], f"{url_} differs after the restore"

        if ON_POSTGRESQL and shutil.which("pg_dump"):
            # The database-level copy of docs/backup.md, from the restored database.
            copy_name = f"{name}_copy"
            copy_url = postgres_database(copy_name)
            try:
                archive = tmp_path / "site.dump"
                subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(archive), url], check=True)
                subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", copy_url, str(archive)],
                               check=True)
                copied = child(copy_url, "render", json.dumps(urls))
                for url_ in urls:
                    assert copied["pages"][url_] == original[url_], f"{url_} differs after pg_dump/pg_restore"
            finally:
                drop_postgres_database(copy_name)
    finally:
        if ON_POSTGRESQL:
            drop_postgres_database(name)


# Fixtures load in the demo only -----------------------------------------------------------------

def recipes(makefile):
    """{target: its recipe lines} of a Makefile."""
    found, target = {}, None
    for line in makefile.splitlines():
        if line.startswith("\t") and target:
            found[target].append(line.strip())
        elif match := re.match(r"^([\w.-]+)\s*:(?!=)", line):
            target = match.group(1)
            found[target] = []
        elif line.strip() and not line.startswith("#"):
            target = None
    return found


def test_only_the_demo_loads_fixtures():
    # The restore test above shows that a fresh database stays empty after `migrate` and a first
    # page (no migration, no AppConfig.ready loads anything); here, which commands load data.
    loading = re.compile(r"\bloaddata\b|\bcreate_demo_accounts\b")
    makefile = recipes((ROOT / "Makefile").read_text())
    assert [target for target, lines in makefile.items() if any(loading.search(line) for line in lines)] == ["run"]
    assert "serve" not in makefile or not any(loading.search(line) for line in makefile["serve"])
    assert not loading.search((ROOT / ".ci" / "run").read_text())
    for path in (ROOT / "tracker").rglob("*.py"):
        if "management" not in path.parts:
            assert not re.search(r"""call_command\(\s*["']loaddata""", path.read_text()), path


# Nothing with history is deleted -----------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_unit_with_results_is_not_deleted():
    with pytest.raises(ProtectedError):
        Unit.objects.get(code="1001").delete()
    with pytest.raises(ProtectedError):
        District.objects.filter(code="1001").delete()
    assert Unit.objects.filter(code="1001").exists()


@pytestmark_db
def test_a_unit_named_only_in_history_is_not_deleted(clock):
    clock(2024, 6, 20, 9)
    user = person("backup-deleter", ("SED", Role.COORDINATOR))
    bureau = Unit.objects.create(code="TMP", kind=Unit.Kind.OFFICE, name_th="สำนักชั่วคราว")
    target = Target.objects.create(
        code="TMP-T", name_th="ชั่วคราว", host=Unit.objects.get(code="ENV"), unit_of_measure="items", measure="cumulative",
        target_value=10, start_date=datetime.date(2023, 10, 1), deadline=datetime.date(2024, 9, 30), districts_carry=False,
    )
    recording.record_allocations(target, {bureau: 5}, user)
    recording.record_allocations(target, {bureau: None}, user)  # removed: only its history names the unit now
    assert not Allocation.objects.filter(unit=bureau).exists()
    # Each refusal in its own savepoint: a refused deletion rolls back its transaction.
    with pytest.raises(ProtectedError, match="history records name it"), transaction.atomic():
        bureau.delete()
    with pytest.raises(ProtectedError, match="history records name it"), transaction.atomic():
        target.delete()
    assert Unit.objects.filter(code="TMP").exists() and Target.objects.filter(code="TMP-T").exists()


@pytestmark_db
@pytest.mark.parametrize("code", ["ENV-TREES", "ENV-WASTE-POINTS"])  # results and allocations; allocations only
def test_a_target_with_results_or_allocations_is_not_deleted(code):
    target = Target.objects.get(code=code)
    with pytest.raises(ProtectedError):
        target.delete()
    with pytest.raises(ProtectedError):
        Target.objects.filter(code=code).delete()
    assert Target.objects.filter(code=code).exists() and Allocation.objects.filter(target=target).exists()


@pytestmark_db
def test_a_target_without_results_or_history_can_still_be_deleted():
    target = Target.objects.create(
        code="TMP-EMPTY", name_th="ชั่วคราว", host=Unit.objects.get(code="ENV"), unit_of_measure="items",
        measure="cumulative", target_value=10, start_date=datetime.date(2023, 10, 1), deadline=datetime.date(2024, 9, 30),
    )
    target.delete()
    assert list(Target.history.filter(code="TMP-EMPTY").values_list("history_type", flat=True)) == ["-", "+"]


@pytestmark_db
def test_a_result_is_not_deleted_directly():
    result = Result.objects.filter(target__code="ENV-TREES", unit__code="1001").first()
    with pytest.raises(RuntimeError, match="delete_result"):
        result.delete()
    with pytest.raises(ProtectedError):  # its revisions protect it from a bulk deletion too
        Result.objects.filter(pk=result.pk).delete()
    assert Result.objects.filter(pk=result.pk).exists()


@pytestmark_db
@pytest.mark.parametrize("admin_url, what", [
    ("admin:org_unit_delete", "1001"),
    ("admin:org_district_delete", "1001"),
    ("admin:targets_target_delete", "ENV-TREES"),
])
def test_the_admin_says_what_has_history_cannot_be_deleted(admin_client, admin_url, what):
    model = Target if "target" in admin_url else Unit
    obj = model.objects.get(code=what)
    url = reverse(admin_url, args=[obj.pk])
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    # Protected rows, some of them (a meeting's reviews) of a kind the admin never deletes.
    assert "<title>Cannot delete" in page.content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)  # the page again, never a deletion or a 500
    assert model.objects.filter(code=what).exists()


@pytestmark_db
def test_the_admin_says_a_unit_named_in_history_cannot_be_deleted(admin_client, clock):
    clock(2024, 6, 20, 9)
    bureau = Unit.objects.create(code="TMP", kind=Unit.Kind.OFFICE, name_th="สำนักชั่วคราว")
    target = Target.objects.create(
        code="TMP-T", name_th="ชั่วคราว", host=Unit.objects.get(code="ENV"), unit_of_measure="items", measure="cumulative",
        target_value=10, start_date=datetime.date(2023, 10, 1), deadline=datetime.date(2024, 9, 30), districts_carry=False,
    )
    recording.record_allocations(target, {bureau: 5}, None)
    recording.record_allocations(target, {bureau: None}, None)
    url = reverse("admin:org_bureau_delete", args=[bureau.pk])
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Cannot delete" in html and "would require deleting the following protected related objects" in html
    assert "historical allocation" in html.lower()
    assert admin_client.post(url, {"post": "yes"}).status_code in (200, 403)
    assert Unit.objects.filter(code="TMP").exists()


@pytestmark_db
def test_deleting_a_result_in_the_admin_is_recorded_not_refused(admin_client, reopened_months):
    result = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1))
    recording.record_result(  # the host returns it first: a verified result is not deleted
        target=result.target, unit=result.unit, period=result.period, value=result.value, note=result.note,
        state=Result.State.RETURNED, comment="ลบ", by=person("verifier-env", ("ENV", Role.VERIFIER)),
    )
    url = reverse("admin:targets_result_delete", args=[result.pk])
    html = admin_client.get(url).content.decode()
    assert "protected related objects" not in html
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    result.refresh_from_db()
    assert result.state == Result.State.DELETED and result.revisions.count() >= 2


def child_main(arguments):
    """The child process of the restore test: ``restore DUMP URLS`` or ``render URLS`` on DATABASE_URL."""
    if arguments[0] == "restore":
        answer = restore(arguments[1], json.loads(arguments[2]))
    else:
        answer = {"pages": render(json.loads(arguments[1]))}
    print(json.dumps(answer))

