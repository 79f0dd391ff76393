"""Production settings refuse to start without a secret key and allowed hosts, and pass
``check --deploy`` without a warning when run behind an HTTPS proxy as docs/production.md says."""
import json
import os
import subprocess
import sys

from django.conf import settings


def run_check(**env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test run's own (the Makefile sets it for live-server tests):
    # a deployment never has it, and check --deploy rightly objects to it.
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_without_debug_the_app_is_in_production_mode_and_refuses_to_start():
    # DEBUG unset (gunicorn by hand, a container): production mode, not the development defaults.
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production mode (DEBUG is off unless DEBUG=1)" in result.stderr


def test_the_development_key_never_works_in_production():
    result = run_check(DEBUG="0", SECRET_KEY="development-only-key-never-use-in-production", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is the development key, which is public" in result.stderr


def test_a_bad_trusted_proxy_is_explained():
    result = run_check(DEBUG="1", TRUSTED_PROXIES="127.0.0.1,nginx")
    assert "TRUSTED_PROXIES must be addresses or networks, got 'nginx'" in result.stderr


def test_a_bad_boolean_is_explained():
    result = run_check(DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_production_starts_with_both():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org")
    assert "ImproperlyConfigured" not in result.stderr


STRONG_KEY = "k7#Qz9$wLm2@Vx8!pR4^tN6&bY1*cF3(hJ5)dG0-sA-test-only-never-deployed"
PRODUCTION = {
    "DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "tracker.example.org",
    "BEHIND_PROXY": "1", "SECURE_HSTS_PRELOAD": "1",
}


def test_check_deploy_has_no_warning_in_production():
    result = run_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_says_when_hsts_preload_is_off():
    # Preloading is a promise to browsers' lists: off unless asked, and check --deploy says so.
    result = run_check(**{**PRODUCTION, "SECURE_HSTS_PRELOAD": "0"})
    assert "security.W021" in result.stderr


def run_request(path, headers, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test run's own (the Makefile sets it for live-server tests):
    # a deployment never has it, and check --deploy rightly objects to it.
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    code = (
        "import django, json\ndjango.setup()\nfrom django.test import Client\n"
        f"r = Client().get({path!r}, headers={headers!r})\n"
        "print(json.dumps({'status': r.status_code, 'location': r.get('Location'),"
        " 'hsts': r.get('Strict-Transport-Security')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def test_production_redirects_plain_http_to_https(tmp_path):
    env = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert run_request("/okrs/", {}, **env) == {"status": 301, "location": "https://testserver/okrs/", "hsts": None}
    # The health check answers a load balancer's plain HTTP probe (here 503: that database is empty).
    assert run_request("/healthz", {}, **env)["status"] == 503


def test_production_trusts_the_proxy_that_ended_tls(tmp_path):
    env = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    response = run_request("/healthz", {"X-Forwarded-Proto": "https"}, **env)
    assert response["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # Not behind a proxy: the header is anyone's to send, and is ignored.
    direct = run_request("/okrs/", {"X-Forwarded-Proto": "https"}, **{**env, "BEHIND_PROXY": "0"})
    assert direct["status"] == 301
