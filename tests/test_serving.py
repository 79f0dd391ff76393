"""Serving in production: ``/healthz``, the 500 and 503 pages, the JSON error log and the security
headers.

This module is also a URL configuration (``ROOT_URLCONF="tests.test_serving"``): the site's URLs
plus ``/boom/``, a view that fails, ``/database-gone/``, one whose database refuses connections, and
``/bad-query/``, one whose query fails on a working database, so that a test can see what a reader
and the log see then. tests/test_outages.py stops real servers.
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.db.utils import ConnectionHandler, OperationalError
from django.test import Client
from django.urls import path
from django.utils import translation

from tests.conftest import THROUGH_THE_PROXY
from tracker import urls as site_urls
from tracker.health import database_unreachable
from tracker.web.pages import cache_outage


def boom(request):
    raise RuntimeError("boom for the test")


def database_gone(request):
    # A real driver error: PostgreSQL on a port nobody listens on refuses the connection.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gone = ConnectionHandler({"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": "tracker", "USER": "postgres",
        "HOST": "127.0.0.1", "PORT": str(port),
    }})
    gone["default"].ensure_connection()


def bad_query(request):
    # A query the server refuses while it is up: a statement timeout (PostgreSQL), a missing table
    # (SQLite). Both are OperationalErrors.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")
        else:
            cursor.execute("SELECT * FROM no_such_table")


urlpatterns = [
    path("boom/", boom), path("database-gone/", database_gone), path("bad-query/", bad_query),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404
handler500 = site_urls.handler500

STRONG_KEY = "k7#Qz9$wLm2@Vx8!pR4^tN6&bY1*cF3(hJ5)dG0-sA-test-only-never-deployed"


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with the project's settings and ``env``; return the process."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    prelude = "import django, json\ndjango.setup()\nfrom django.test import Client, override_settings\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def failing_database(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("could not connect to server (the test's broken database)")

    # Undone when this fixture ends, before the test database's own teardown needs a cursor.
    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refuse)
        yield


# /healthz


def test_healthz_is_ok_when_the_database_and_the_cache_are(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_is_open_when_the_dashboards_need_a_log_in(client, db, settings):
    settings.DASHBOARD_REQUIRES_LOGIN = True
    assert client.get("/").status_code == 302
    assert client.get("/healthz").status_code == 200


def test_healthz_says_503_when_the_database_fails(client, db, failing_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_stays_200_when_the_cache_fails(client, db, monkeypatch, caplog):
    # The pages are served uncached then: the load balancer must keep the server in its rotation.
    def refuse(*args, **kwargs):
        raise ConnectionError("the test's cache is down")

    monkeypatch.setattr(cache_outage, "down", False)
    monkeypatch.setattr(caches["default"], "set", refuse)
    for _probe in range(3):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "cache": "degraded"}
    # Logged when it began, not at every probe.
    assert [r.levelname for r in caplog.records if r.name == "tracker.web.pages"] == ["WARNING"]


def test_healthz_says_the_cache_is_degraded_when_it_swallows_its_errors(client, db, monkeypatch):
    # Some cache clients answer None instead of raising when the server is gone.
    monkeypatch.setattr(cache_outage, "down", False)
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "degraded"}


def test_healthz_says_503_when_the_database_and_the_cache_fail(client, db, failing_database, monkeypatch):
    monkeypatch.setattr(cache_outage, "down", False)
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "degraded"}


HEALTHZ = "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'body': r.json()}))"


def test_healthz_fails_on_an_empty_database(tmp_path):
    # SQLite creates a missing file: a wrong path connects and answers SELECT 1 all the same.
    result = run_python(HEALTHZ, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'wrong.sqlite3'}")
    assert json.loads(result.stdout) == {"status": 503, "body": {"database": "error", "cache": "ok"}}


def test_healthz_fails_on_a_database_that_is_not_ours(tmp_path):
    # Another project's database: Django's migration table is there, none of our apps' rows.
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as database:
        database.execute("CREATE TABLE django_migrations (id integer, app text, name text, applied text)")
        database.execute("INSERT INTO django_migrations VALUES (1, 'contenttypes', '0001_initial', '2024-01-01')")
    result = run_python(HEALTHZ, DEBUG="1", DATABASE_URL=f"sqlite:///{other}")
    assert json.loads(result.stdout) == {"status": 503, "body": {"database": "not migrated", "cache": "ok"}}


def test_healthz_fails_on_a_database_that_does_not_exist():
    result = run_python(
        HEALTHZ, DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker_no_such_database",
    )
    assert json.loads(result.stdout) == {"status": 503, "body": {"database": "error", "cache": "ok"}}
    # The reason is in the log, not in the public answer.
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(entry["logger"] == "tracker.health" and "exception" in entry for entry in logged)


# The 500 page


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.test_serving"
    settings.DEBUG = False
    return Client(raise_request_exception=False, headers=THROUGH_THE_PROXY)


def in_language(language, text):
    with translation.override(language):
        return translation.gettext(text)


def test_an_error_shows_the_500_page_in_thai(failing_site, db):
    response = failing_site.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert in_language("th", "Something went wrong on our side") in page
    assert "boom for the test" not in page  # nothing of the error reaches the reader


def test_an_error_shows_the_500_page_in_english_with_the_language_cookie(failing_site, db):
    failing_site.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = failing_site.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Something went wrong on our side" in page


def test_the_500_page_needs_no_database(failing_site, db, failing_database, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = failing_site.get("/boom/")
    assert response.status_code == 500
    assert in_language("th", "Something went wrong on our side") in response.content.decode()


# The 503 page


def test_a_database_that_cannot_be_reached_answers_503_with_retry_after(
    failing_site, db, caplog, django_assert_num_queries,
):
    with django_assert_num_queries(0):
        response = failing_site.get("/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert in_language("th", "The tracker is temporarily unavailable") in page
    assert in_language("th", "Something went wrong on our side") not in page
    assert "refused" not in page  # nothing of the error reaches the reader
    # Still logged, with the status answered and the traceback.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert (record.levelname, record.status_code, record.exc_info[0]) == ("ERROR", 503, OperationalError)


def test_the_503_page_is_in_english_with_the_language_cookie(failing_site, db):
    failing_site.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = failing_site.get("/database-gone/").content.decode()
    assert '<html lang="en">' in page
    assert "The tracker is temporarily unavailable" in page


def test_a_failing_query_on_a_working_database_is_still_a_500(failing_site, db, caplog):
    response = failing_site.get("/bad-query/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    assert in_language("th", "Something went wrong on our side") in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert (record.status_code, record.exc_info[0]) == (500, OperationalError)


def test_only_a_drivers_connection_failure_counts_as_the_database_unreachable():
    # The real ones are above and in tests/test_outages.py; these come from no driver.
    assert not database_unreachable(OperationalError("raised by our code, no driver error behind it"))
    assert not database_unreachable(RuntimeError("boom"))
    assert not database_unreachable(None)


def test_an_error_is_logged_as_one_json_line(tmp_path):
    result = run_python(
        "with override_settings(ROOT_URLCONF='tests.test_serving'):\n"
        "    print(Client(raise_request_exception=False).get('/boom/?page=2').status_code)\n",
        DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    assert result.stdout.strip() == "500"
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [entry] = [entry for entry in lines if entry["logger"] == "django.request"]
    assert entry["level"] == "ERROR"
    assert entry["method"] == "GET"
    assert entry["path"] == "/boom/"
    assert entry["status"] == 500
    assert entry["message"] == "Internal Server Error: /boom/"
    assert entry["exception"].startswith("Traceback")
    assert "RuntimeError: boom for the test" in entry["exception"]
    assert entry["time"].endswith("+00:00")


# Headers


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-eval" not in policy


def test_pages_may_not_be_framed(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_warm_up_compiles_every_template_without_touching_the_database(django_assert_num_queries, db):
    from tracker.warmup import template_names, warm_up

    with django_assert_num_queries(0):
        compiled = warm_up()
    assert compiled == len(list(template_names())) > 40
    assert "dashboard/overview.html" in template_names()
