"""Public pages served from the cache keyed by the data version: never stale, no cookie, ETags."""
import datetime

import pytest
from django.core.cache import cache

from tests.reporting.conftest import person
from tracker.org.models import Role, Unit
from tracker.targets.models import Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
PAGES = ["/", "/bureaus/ENV/", "/targets/ENV-TREES/", "/districts/1001/", "/okrs/", "/projects/", "/meetings/"]


@pytest.fixture(autouse=True)
def page_cache(settings, no_page_cache):
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()


@pytest.mark.parametrize("url", PAGES)
def test_a_second_read_is_served_from_the_cache_with_one_query(client, url, django_assert_max_num_queries):
    first = client.get(url + "?as_of=2024-06-07")
    assert first.status_code == 200
    with django_assert_max_num_queries(1):  # the data version
        second = client.get(url + "?as_of=2024-06-07")
    assert second.content == first.content and second["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_set_no_cookie_and_may_be_kept_by_a_proxy_that_asks_again(client, url):
    response = client.get(url)
    assert not response.cookies, url
    assert "public" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response.has_header("ETag")
    assert response["X-Accel-Expires"] == "@1"  # nginx: keep it, already expired (deploy/nginx)


def test_an_unchanged_page_answers_304_to_its_etag(client):
    etag = client.get("/targets/ENV-TREES/")["ETag"]
    response = client.get("/targets/ENV-TREES/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and not response.content


def test_a_write_is_seen_by_the_next_read(client, clock, reopened_months):
    clock(2024, 6, 20, 9)
    url = "/targets/ENV-TREES/"
    before = client.get(url)
    assert "218,910" in before.content.decode()
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"),
                  period=datetime.date(2024, 6, 1), value=1_000, by=reporter, state="submitted")
    after = client.get(url)
    assert "219,910" in after.content.decode() and after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_each_language_and_query_has_its_own_entry(client):
    thai = client.get("/?as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    english = client.get("/?as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="th"' in thai and 'lang="en"' in english
    may = client.get("/?as_of=2024-05-07", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert may != thai


def test_a_logged_in_persons_page_is_private_and_not_cached(client, django_assert_num_queries):
    client.force_login(person("viewer", ("OPS", Role.VIEWER)))
    client.get("/targets/ENV-TREES/")
    response = client.get("/targets/ENV-TREES/")
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")
    assert not response.has_header("X-Accel-Expires")  # never stored by nginx


def test_the_day_is_part_of_the_key_for_pages_as_of_today(client, clock):
    clock(2024, 6, 7, 12)
    first = client.get("/targets/ENV-TREES/")
    clock(2024, 6, 8, 12)
    assert client.get("/targets/ENV-TREES/")["ETag"] != first["ETag"]


def test_a_new_release_of_the_code_is_not_served_the_old_pages(client, monkeypatch):
    first = client.get("/targets/ENV-TREES/")
    monkeypatch.setattr("tracker.caching.pages.release", lambda: "another-release")
    second = client.get("/targets/ENV-TREES/")
    assert second["ETag"] != first["ETag"]
    assert client.get("/targets/ENV-TREES/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_release_fingerprint_follows_the_templates(settings, tmp_path):
    from tracker.caching.pages import release

    before = release()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("one")
    settings.BASE_DIR = tmp_path
    release.cache_clear()
    try:
        one = release()
        (tmp_path / "templates" / "page.html").write_text("two")
        release.cache_clear()
        assert release() != one != before
    finally:
        release.cache_clear()
