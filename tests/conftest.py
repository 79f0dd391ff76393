"""Shared fixtures: the reference and meeting demo data, loaded once per test session."""
import datetime
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

MEETING_DAY = datetime.date(2024, 6, 7)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load reference.json and demo_meeting_2567.json into the test database once.

    Tests that use ``db`` see them and roll back their own changes; transactional tests
    (live server) flush the database and load what they need themselves.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", "reference", "demo_meeting_2567", verbosity=0)


# What nginx tells the app (deploy/nginx/tracker-proxy.conf): the reader came over HTTPS. In
# production mode (DEBUG=0 BEHIND_PROXY=1, as .ci/run runs the suite once) a request without it is
# redirected to https; with DEBUG=1 the header is ignored.
THROUGH_THE_PROXY = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def client():
    """Django's test client, as a reader behind the documented proxy."""
    from django.test import Client

    return Client(headers=THROUGH_THE_PROXY)


@pytest.fixture
def admin_client(admin_user):
    from django.test import Client

    client = Client(headers=THROUGH_THE_PROXY)
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """Passwords hashed with one round of MD5 in the tests, as Django's testing guide advises: the
    production hasher (PBKDF2, a million rounds) takes most of a second per log-in on this machine."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def own_cache_per_worker(worker_id):
    """Under pytest-xdist (``make test-fast``) each worker uses a Redis database of its own: a test
    empties the cache (``no_page_cache``), and Redis empties a whole database at once."""
    from django.conf import settings
    from django.test import override_settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if worker_id == "master" or not location.startswith("redis"):
        yield
        return
    url = urlsplit(location)
    database = int(url.path.strip("/") or 0) + 1 + int(worker_id.removeprefix("gw"))
    own = {**settings.CACHES["default"], "LOCATION": url._replace(path=f"/{database}").geturl()}
    with override_settings(CACHES={"default": own}):
        yield


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages computed afresh in every test (their query budgets are what they measure), and an
    empty cache: each test rolls the database back, data version included, so an entry made in one
    test could carry the same version as another's. tests/caching turns the cache back on."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def meeting_day():
    return MEETING_DAY


@pytest.fixture
def reopened_months(db):
    """The demo data's closed months (October 2023 – May 2024) reopened, for tests that correct them."""
    from tracker.targets.models import ClosedMonth

    ClosedMonth.objects.all().delete()


@pytest.fixture
def clock(monkeypatch):
    """``clock(2024, 6, 20, 9)`` makes "now" that moment in Bangkok: results are recorded then."""

    def set_to(*when):
        moment = datetime.datetime(*when, tzinfo=zoneinfo.ZoneInfo("Asia/Bangkok"))
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    return set_to


# Whole files that are slow by nature: the browser and proxy tests, the fuzzing of every page and
# the backup/restore round trips. Other slow tests say so with @pytest.mark.slow.
SLOW_PATHS = ("tests/browser/", "tests/test_fuzz_pages.py", "tests/test_backup_restore.py")


def pytest_itemcollected(item):
    """The slow files are marked ``slow`` as they are collected, before ``-m "not slow"`` chooses."""
    if item.nodeid.startswith(SLOW_PATHS):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Live-server tests last, whatever reordered the items before: each one flushes the database,
    and the tests that share the session's demo data must all have run by then."""
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))


@pytest.fixture
def people(db):
    """One person for every row of the permission matrix."""
    from tests.factories import person
    from tracker.org.models import Role

    return {
        "anonymous": None,
        "viewer": person("viewer", ("OPS", Role.VIEWER)),
        "other_reporter": person("reporter-1002", ("1002", Role.REPORTER)),
        "reporter": person("reporter-1001", ("1001", Role.REPORTER)),
        "host_verifier": person("verifier-env", ("ENV", Role.VERIFIER)),
        "other_verifier": person("verifier-cle", ("CLE", Role.VERIFIER)),
        "coordinator": person("coordinator", ("SED", Role.COORDINATOR)),
        "admin": person("admin", superuser=True),
    }


@pytest.fixture
def queries_before_and_after_doubling(db, client):
    """(queries on the fixtures, queries on twice the data) for a URL, e.g. to assert they are equal."""
    from tests.factories import double_the_data
    from tests.helpers import count_queries

    def measure(url, url_after=None):
        before = count_queries(client, url)
        double_the_data()
        return before, count_queries(client, url_after or url)

    return measure
