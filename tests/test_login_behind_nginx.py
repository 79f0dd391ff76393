"""The log-in lock-out through the documented nginx (deploy/nginx): every request reaches Django
from 127.0.0.1, yet ten bad passwords for one account from one client lock only that account from
that client. Clients are told apart by their source address on the loopback (127.0.0.2, 127.0.0.3 …),
which nginx passes on in X-Forwarded-For. Needs Debian's nginx (``make test`` installs it)."""
import http.client
import re
import shutil
import tempfile
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model

from benchmarks.servers import free_port, start_nginx, stop, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "ต้นไม้-ล้านต้น-2567"


@pytest.fixture
def nginx(live_server, settings):
    """nginx in front of the live server, which believes it as production's BEHIND_PROXY=1 does."""
    assert shutil.which("nginx") or shutil.which("/usr/sbin/nginx"), "nginx is needed: make test installs it"
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="tracker-nginx-")  # nginx's workers (nobody) must reach it
    process = start_nginx(port, urlsplit(live_server.url).port, folder.name)
    try:
        wait_for(port, "/healthz", seconds=20)
        yield port
    finally:
        stop(process)
        folder.cleanup()


def log_in(port, client, username, password):
    """A browser at ``client`` (a loopback address) logs in through nginx: the status of the POST."""
    def request(method, path, body=None, cookies=""):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(client, 0))
        headers = {"Cookie": cookies, "Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        return response, text

    page, html = request("GET", "/accounts/login/")
    cookie = SimpleCookie(page.headers.get("Set-Cookie", ""))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    response, _ = request("POST", "/accounts/login/", form, cookies=f"csrftoken={cookie}")
    return response.status


def test_ten_bad_passwords_lock_one_account_from_one_client_only(nginx):
    for name in ("demo-viewer", "demo-coordinator"):
        get_user_model().objects.create_user(username=name, password=PASSWORD)
    attacker, colleague, elsewhere = "127.0.0.2", "127.0.0.3", "127.0.0.4"

    assert [log_in(nginx, attacker, "demo-viewer", "wrong") for _ in range(10)] == [200] * 9 + [429]
    assert log_in(nginx, attacker, "demo-viewer", PASSWORD) == 429        # locked: that account, that client
    assert log_in(nginx, elsewhere, "demo-viewer", PASSWORD) == 302       # the same account from another client
    assert log_in(nginx, colleague, "demo-coordinator", PASSWORD) == 302  # every other account
    assert log_in(nginx, attacker, "demo-coordinator", PASSWORD) == 302   # even from the attacker's address
