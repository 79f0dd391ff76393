"""Browser-test setup: Debian's Chromium, a Thai-speaking browser, and a live server with the demo data.

Live-server tests are transactional: pytest-django flushes the database after each one, so the
data loaded once per session by ``tests/conftest.py`` is gone for them. ``site`` puts it back for
each test from a snapshot taken once (with primary keys, as Django's serialized rollback does:
about a second, where ``loaddata`` resolves every natural key again and takes seconds).
"""
import os
from itertools import chain

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

from tracker.targets.models import Target

# Playwright's sync API runs an event loop in the test thread; Django then refuses database
# calls from that thread (loaddata, flush) unless told they are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
OUR_APPS = ["org", "targets", "okrs", "meetings"]  # not contenttypes or auth: the flush recreates those


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Bangkok adviser's browser: it asks for Thai, on a laptop-sized window.
    return {**browser_context_args, "locale": "th-TH", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The test database with the reference and meeting data, serialized once per session."""
    with django_db_blocker.unblock():
        if not Target.objects.exists():
            call_command("loaddata", "reference", "demo_meeting_2567", verbosity=0)
        models = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models() if not model._meta.proxy]
        return serializers.serialize("json", chain.from_iterable(m._default_manager.order_by("pk") for m in models))


@pytest.fixture
def site(live_server, demo_snapshot):
    """The live server's URL, with the reference and 7 June 2024 meeting data in the database.

    The first live-server test of a session still finds the data ``django_db_setup`` loaded
    (the flush comes after each such test); later ones get it back from the snapshot.
    """
    if not Target.objects.exists():
        with transaction.atomic(), connection.constraint_checks_disabled():
            for obj in serializers.deserialize("json", demo_snapshot):
                obj.save()
    return live_server.url


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on an uncaught JavaScript error or a missing file (a chart
    script that throws, a static file that is not served)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"JavaScript: {error}"))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and errors.append(f"HTTP {r.status}: {r.url}"))
    yield page
    assert not errors, "errors in the page:\n" + "\n".join(errors)
