"""Accounts: log-in in Thai and English, lock-out after failures, the admin for admins only, demo accounts."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tests.helpers import text_of
from tracker.org.models import Membership, Role, Unit

pytestmark = pytest.mark.django_db
PASSWORD = "ต้นไม้-ล้านต้น-2567"


@pytest.fixture
def reporter():
    user = get_user_model().objects.create_user(username="reporter-1001", password=PASSWORD)
    Membership.objects.create(user=user, unit=Unit.objects.get(code="1001"), role=Role.REPORTER)
    return user


@pytest.mark.parametrize(("language", "words"), [("th", "เข้าสู่ระบบ"), ("en", "Log in")])
def test_the_log_in_page_speaks_the_readers_language(client, language, words):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and words in text_of(response.content.decode())


def test_a_reporter_logs_in_and_lands_on_the_month_due(client, reporter):
    response = client.post("/accounts/login/", {"username": "reporter-1001", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/report/"
    assert client.get("/report/")["Location"] == "/report/1001/2024-06/"


def test_log_out_is_a_post_and_returns_to_the_overview(client, reporter):
    client.force_login(reporter)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"


def log_in(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en", "HTTP_X_FORWARDED_PROTO": "https"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def heading(response):
    return text_of(re.search(r"<h1\b.*?</h1>", response.content.decode(), re.S).group(0))


@pytest.fixture
def colleague():
    user = get_user_model().objects.create_user(username="reporter-1002", password=PASSWORD)
    Membership.objects.create(user=user, unit=Unit.objects.get(code="1002"), role=Role.REPORTER)
    return user


def test_ten_failed_log_ins_lock_the_account_at_that_address_only(client, reporter, colleague):
    for _ in range(10):
        log_in(client, "reporter-1001", "wrong", "10.0.0.1")
    # The right password from that address is refused while the lock lasts …
    response = log_in(client, "reporter-1001", PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    assert heading(response) == "Too many failed log-ins"
    assert "_auth_user_id" not in client.session
    # … but the same person from another address, and a colleague at the same address, log in.
    assert log_in(Client(), "reporter-1001", PASSWORD, "10.0.0.2").status_code == 302
    assert log_in(Client(), "reporter-1002", PASSWORD, "10.0.0.1").status_code == 302


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_lock_keys_on_the_address_nginx_saw(client, reporter, colleague):
    # Every request comes from nginx (127.0.0.1); the attacker also sends an X-Forwarded-For of his
    # own, to which nginx appends the address it saw.
    for _ in range(10):
        log_in(client, "reporter-1001", "wrong", "127.0.0.1", forwarded="10.9.9.9, 203.0.113.66")
    assert log_in(Client(), "reporter-1001", PASSWORD, "127.0.0.1", forwarded="203.0.113.66").status_code == 429
    assert log_in(Client(), "reporter-1001", PASSWORD, "127.0.0.1", forwarded="198.51.100.7").status_code == 302
    assert log_in(Client(), "reporter-1002", PASSWORD, "127.0.0.1", forwarded="203.0.113.66").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS=12, LOGIN_FAILURES_WINDOW_MINUTES=10)
def test_many_failures_from_one_address_pause_its_log_ins_and_no_one_elses(client, reporter, colleague):
    """Password spraying: a few tries at many accounts from one address uses up its budget; that
    address is asked to wait (429, Retry-After), while other addresses log in as usual."""
    for n in range(12):
        assert log_in(client, f"someone-{n % 4}", "wrong", "10.0.0.5").status_code == 200
    paused = log_in(Client(), "reporter-1002", PASSWORD, "10.0.0.5")
    assert paused.status_code == 429
    assert 0 < int(paused["Retry-After"]) <= 600
    assert heading(paused) == "Too many failed log-ins from your network"
    assert log_in(Client(), "reporter-1002", PASSWORD, "10.0.0.6").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS=3)
def test_successful_log_ins_do_not_use_up_the_budget(client, reporter):
    for _ in range(5):
        assert log_in(Client(), "reporter-1001", PASSWORD, "10.0.0.7").status_code == 302


def test_the_admin_is_for_admins_only(client, reporter):
    staff = get_user_model().objects.create_user(username="staff", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302  # to the admin's log-in: not allowed in
    assert client.get("/admin/targets/result/").status_code == 302
    admin = get_user_model().objects.create_superuser(username="root", password=PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/targets/result/").status_code == 200


@override_settings(DASHBOARD_REQUIRES_LOGIN=True)
def test_dashboards_can_require_a_log_in(client, reporter):
    response = client.get("/targets/ENV-TREES/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(reporter)
    assert client.get("/targets/ENV-TREES/").status_code == 200


def test_dashboards_are_public_by_default(client):
    assert client.get("/targets/ENV-TREES/").status_code == 200


def test_a_new_password_goes_through_the_validators(client, reporter):
    client.force_login(reporter)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "too common" in response.content.decode()


@override_settings(DEBUG=True)  # pytest-django runs tests with DEBUG off
def test_demo_accounts_are_created_with_their_roles(capsys):
    call_command("create_demo_accounts", password=PASSWORD)
    User = get_user_model()
    roles = {
        m.user.username: (m.unit.code, m.role) for m in Membership.objects.select_related("user", "unit")
        if m.user.username.startswith("demo-")
    }
    assert roles == {
        "demo-reporter-1001": ("1001", "reporter"), "demo-reporter-env": ("ENV", "reporter"),
        "demo-verifier-env": ("ENV", "verifier"), "demo-coordinator": ("SED", "coordinator"),
        "demo-viewer": ("OPS", "viewer"),
    }
    assert User.objects.get(username="demo-admin").is_superuser
    assert User.objects.get(username="demo-viewer").check_password(PASSWORD)
    assert "demo-reporter-1001" in capsys.readouterr().out
    call_command("create_demo_accounts", password=PASSWORD)  # again: the same accounts, no duplicates
    assert Membership.objects.filter(user__username__startswith="demo-").count() == 5


@override_settings(DEBUG=True)
def test_demo_accounts_refuse_a_weak_password():
    with pytest.raises(CommandError, match="too common"):
        call_command("create_demo_accounts", password="password")


@override_settings(DEBUG=False)
def test_demo_accounts_refuse_to_exist_in_production():
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("create_demo_accounts", password=PASSWORD)
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_no_fixture_carries_a_password():
    for fixture in Path(settings.FIXTURE_DIRS[0]).glob("*.json"):
        assert '"password"' not in fixture.read_text(encoding="utf-8"), fixture.name
