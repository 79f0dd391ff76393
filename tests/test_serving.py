"""Serving in production: ``/healthz``, the 500 page, the JSON error log and the security headers.

This module is also a URL configuration (``ROOT_URLCONF="tests.test_serving"``): the site's URLs
plus ``/boom/``, a view that fails, so that a test can see what a reader and the log see then.
"""
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client
from django.urls import path
from django.utils import translation

from tracker import urls as site_urls


def boom(request):
    raise RuntimeError("boom for the test")


urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]
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


def test_healthz_says_503_when_the_cache_fails(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("the test's cache is down")

    monkeypatch.setattr(caches["default"], "set", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


def test_healthz_says_503_when_the_cache_swallows_its_errors(client, db, monkeypatch):
    # Some cache clients answer None instead of raising when the server is gone.
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


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
    return Client(raise_request_exception=False)


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
