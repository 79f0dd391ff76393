"""Public pages served from the cache keyed by the data version: never stale, no cookie, ETags; and
served uncached, logged once, while the cache is down."""
import datetime
import pickle

import pytest
from django.core.cache import cache, caches
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets.models import Target
from tracker.targets.recording import record_result
from tracker.web.pages import cache_outage

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


def write_june(reporter, value, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the version advances once the write commits
        record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"),
                      period=datetime.date(2024, 6, 1), value=value, by=reporter, state="submitted")


def test_a_write_is_seen_by_the_next_read(client, clock, reopened_months, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    url = "/targets/ENV-TREES/"
    before = client.get(url)
    assert before.context["figure"].result == 218_910
    write_june(person("reporter-1001", ("1001", Role.REPORTER)), 1_000, django_capture_on_commit_callbacks)
    after = client.get(url)
    assert after.context["figure"].result == 219_910 and after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize("url", PAGES[:4])
def test_a_page_as_of_an_earlier_day_is_kept_across_result_writes_and_is_what_it_would_be(
    client, url, clock, reopened_months, settings, django_capture_on_commit_callbacks,
):
    clock(2024, 6, 20, 9)
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    past = url + "?as_of=2024-06-07"
    before = client.get(past)
    write_june(reporter, 1_000, django_capture_on_commit_callbacks)
    kept = client.get(past, HTTP_IF_NONE_MATCH=before["ETag"])
    assert kept.status_code == 304  # the same entry: the write changed nothing as of 7 June
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(past).content == before.content  # computed afresh: the same page


def test_a_write_that_can_change_the_past_moves_the_pages_of_earlier_days(client, clock, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    past = "/targets/ENV-TREES/?as_of=2024-06-07"
    before = client.get(past)
    with django_capture_on_commit_callbacks(execute=True):
        target = Target.objects.get(code="ENV-TREES")
        target.name_en = "Street trees"
        target.save()
    after = client.get(past)
    assert after["ETag"] != before["ETag"] and after.context["figure"].target.name_en == "Street trees"


def test_an_unknown_parameter_makes_no_new_entry_and_does_not_reach_the_page(client, django_assert_max_num_queries):
    first = client.get("/targets/ENV-TREES/?as_of=2024-06-07")
    with django_assert_max_num_queries(1):  # the data version: the same entry
        second = client.get("/targets/ENV-TREES/?utm_source=line&as_of=2024-06-07&x=%3Cb%3E")
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_the_order_of_the_parameters_makes_no_new_entry(client, django_assert_max_num_queries):
    first = client.get("/?as_of=2024-06-07&status=on_track")
    with django_assert_max_num_queries(1):
        second = client.get("/?status=on_track&as_of=2024-06-07")
    assert second["ETag"] == first["ETag"]


def the_key(client, url, monkeypatch):
    """The cache key of ``url`` (whatever the cache backend), as the page cache works it out."""
    from tracker.web import pages

    keys, real = [], pages.page_key
    with monkeypatch.context() as patch:
        patch.setattr(pages, "page_key", lambda request: keys.append(real(request)) or keys[-1])
        client.get(url)
    return keys[0]


def test_a_page_being_computed_by_another_request_is_waited_for(client, monkeypatch, django_assert_max_num_queries):
    from tracker.web import pages

    url = "/targets/ENV-TREES/?as_of=2024-06-07"
    key = the_key(client, url, monkeypatch)
    computed = client.get(url)
    kept = cache.get(key)
    cache.delete(key)
    cache.add(key + ":computing", 1)  # another request is computing it
    naps = []

    def nap(seconds):  # meanwhile, the other request stores it
        naps.append(seconds)
        cache.set(key, kept)

    monkeypatch.setattr(pages.time, "sleep", nap)
    with django_assert_max_num_queries(1):  # the data version: not computed a second time
        waited = client.get(url)
    assert waited.content == computed.content and naps == [pages.SINGLE_FLIGHT_POLL]


def test_a_page_whose_other_computation_stored_nothing_is_computed(client, monkeypatch):
    from tracker.web import pages

    url = "/targets/ENV-TREES/?as_of=2024-06-07"
    key = the_key(client, url, monkeypatch)
    computed = client.get(url)
    cache.delete(key)
    cache.add(key + ":computing", 1)
    monkeypatch.setattr(pages.time, "sleep", lambda seconds: cache.delete(key + ":computing"))  # it gave up
    again = client.get(url)
    assert again.status_code == 200 and again.content == computed.content and cache.get(key) is not None


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
    monkeypatch.setattr("tracker.web.pages.release", lambda: "another-release")
    second = client.get("/targets/ENV-TREES/")
    assert second["ETag"] != first["ETag"]
    assert client.get("/targets/ENV-TREES/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_release_fingerprint_follows_the_templates(settings, tmp_path):
    from tracker.web.pages import release

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



# An outage of the cache: pages are computed and served uncached (tests/test_outages.py stops a
# real Redis; here the cache's calls raise what redis-py raises then).

URL = "/targets/ENV-TREES/?as_of=2024-06-07"


def refuse(*args, **kwargs):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def outage_log(caplog):
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "tracker.web.pages"]


def test_pages_are_served_uncached_while_the_cache_is_down_and_cached_when_it_is_back(
    client, caplog, monkeypatch, django_assert_max_num_queries,
):
    monkeypatch.setattr(cache_outage, "down", False)
    with monkeypatch.context() as patch:
        patch.setattr(caches["default"], "get", refuse)
        patch.setattr(caches["default"], "set", refuse)
        for _reader in range(3):
            response = client.get(URL)
            assert response.status_code == 200
            assert response.context["figure"].result == 218_910  # computed: a hit has no context
            assert "218,910" in response.content.decode()
            assert "public" in response["Cache-Control"] and response.has_header("ETag")
    [(level, message)] = outage_log(caplog)
    assert level == "WARNING" and "Connection refused" in message

    assert client.get(URL).context is not None  # computed, and kept
    with django_assert_max_num_queries(1):  # served from the cache: the data version only
        assert client.get(URL).context is None
    assert outage_log(caplog)[1:] == [("INFO", "The cache is back: pages are cached again")]


def test_a_cache_that_fails_only_to_store_still_serves_the_page(client, caplog, monkeypatch):
    monkeypatch.setattr(cache_outage, "down", False)
    monkeypatch.setattr(caches["default"], "set", refuse)
    assert client.get(URL).status_code == 200
    assert [level for level, _message in outage_log(caplog)] == ["WARNING"]


def test_a_bug_in_what_is_cached_is_not_taken_for_an_outage(client, monkeypatch):
    # Only the cache server's errors are forgiven: a value that cannot be stored is our bug.
    def unpicklable(*args, **kwargs):
        raise pickle.PicklingError("cannot pickle 'generator' object")

    monkeypatch.setattr(caches["default"], "set", unpicklable)
    with pytest.raises(pickle.PicklingError):
        client.get(URL)
