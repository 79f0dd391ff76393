"""nginx in front, as deploy/nginx configures it: it keeps the public pages but asks Django again
on every request, so a write is seen by the very next read through the proxy; logged-in people
neither read from nor write to its store. Needs Debian's nginx (``make test`` installs it)."""
import datetime
import shutil
import tempfile
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from benchmarks.servers import free_port, start_nginx, stop, wait_for
from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets.models import ClosedMonth, Target
from tracker.targets.recording import record_result


@pytest.fixture
def proxy(site, settings):
    """nginx with deploy/nginx/tracker-proxy.conf and tracker-cache.conf in front of the live
    server, the page cache on; yields a function that GETs through it: (status, headers, text)."""
    assert shutil.which("nginx") or shutil.which("/usr/sbin/nginx"), "nginx is needed: make test installs it"
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    port = free_port()
    # Not pytest's tmp_path: nginx's workers run as nobody and must reach the folder.
    folder = tempfile.TemporaryDirectory(prefix="tracker-nginx-")
    nginx = start_nginx(port, urlsplit(site).port, folder.name)
    try:
        wait_for(port, "/healthz", seconds=20)

        def get(path, **headers):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "th", **headers})
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()

        yield get
    finally:
        stop(nginx)
        folder.cleanup()


def test_nginx_keeps_a_page_asks_django_each_time_and_shows_a_write_at_once(proxy, clock):
    clock(2024, 6, 20, 9)
    url = "/targets/ENV-TREES/"
    status, headers, before = proxy(url)
    assert status == 200 and headers["X-Cache-Status"] == "MISS" and "218,910" in before
    assert "X-Accel-Expires" not in headers  # nginx's instruction, never passed on
    status, headers, again = proxy(url)
    assert headers["X-Cache-Status"] == "REVALIDATED" and again == before

    ClosedMonth.objects.all().delete()
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"),
                  period=datetime.date(2024, 6, 1), value=1_000,
                  by=person("reporter-1001", ("1001", Role.REPORTER)), state="submitted")
    status, headers, after = proxy(url)
    assert status == 200 and headers["X-Cache-Status"] == "EXPIRED"  # asked, and given the new page
    assert "219,910" in after and "219,910" not in before


def test_each_language_is_kept_apart(proxy):
    _, _, thai = proxy("/?as_of=2024-06-07")
    _, headers, english = proxy("/?as_of=2024-06-07", **{"Accept-Language": "en"})
    assert 'lang="th"' in thai and 'lang="en"' in english
    _, headers, thai_again = proxy("/?as_of=2024-06-07")
    assert 'lang="th"' in thai_again and headers["X-Cache-Status"] == "REVALIDATED"


def test_a_logged_in_person_bypasses_the_store(proxy, client):
    client.force_login(person("viewer", ("OPS", Role.VIEWER)))  # (a membership: a write, a new version)
    session = client.cookies["sessionid"].value
    proxy("/targets/ENV-TREES/")  # an anonymous copy in the store
    status, headers, text = proxy("/targets/ENV-TREES/", Cookie=f"sessionid={session}")
    assert headers["X-Cache-Status"] == "BYPASS" and "private" in headers["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in text  # the log-out form: this person's own page
    _, headers, _ = proxy("/targets/ENV-TREES/")
    assert headers["X-Cache-Status"] == "REVALIDATED"  # the logged-in page was not stored
