"""Production settings refuse to start without a secret key and allowed hosts."""
import os
import subprocess
import sys

from django.conf import settings


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
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


def test_a_bad_boolean_is_explained():
    result = run_check(DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_production_starts_with_both():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org")
    assert "ImproperlyConfigured" not in result.stderr
