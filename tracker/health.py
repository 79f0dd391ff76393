"""What the server says about itself: ``/healthz`` for load balancers and monitors, and the error
pages (500, and 503 while the database cannot be reached).

All of it must work when the rest does not. ``/healthz`` answers without a log-in or a cookie and is
never cached: ``200`` while the database is ours and answers — with ``"cache": "degraded"`` when the
cache fails, since the pages are then served uncached (``tracker.web.pages``) and the server
should stay in the load balancer's rotation — and ``503`` when the database fails. The error pages
render without the database (no context processors, no query).
"""
import logging
import sys
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.views.decorators.http import require_GET

from tracker.web.pages import cache_outage

logger = logging.getLogger(__name__)

# An app whose migrations every tracker database has recorded: a database that connects but has
# none (an empty one, another project's, a wrong DATABASE_URL) is not ours and fails the check.
APP_OF_RECORD = "targets"

# How long the 503 page asks readers and crawlers to wait: about what a PostgreSQL restart takes.
RETRY_AFTER_SECONDS = 30

# PostgreSQL's SQLSTATEs that mean "no connection", not "this query failed": a connection exception
# (class 08), the server shutting down, crashed or starting up (57P01–57P03), or out of connection
# slots (53300). A statement timeout (57014), a deadlock (40P01) or a lock not granted (55P03) are
# OperationalErrors too, but a server that answers them is up: they stay 500s.
CONNECTION_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unreachable(error):
    """Whether ``error`` says the database could not be reached (refused, gone, shutting down, full)
    rather than that a query failed. Django's error keeps the driver's as its ``__cause__``: libpq
    gives no SQLSTATE when it never reached the server or lost it, the server names the others.
    Only PostgreSQL's drivers are read (psycopg2's ``pgcode``, psycopg's ``sqlstate``); SQLite,
    in development, keeps its 500."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    driver_error = error.__cause__
    if hasattr(driver_error, "pgcode"):
        state = driver_error.pgcode
    elif hasattr(driver_error, "sqlstate"):
        state = driver_error.sqlstate
    else:
        return False
    return state is None or state.startswith(CONNECTION_STATES)


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", [APP_OF_RECORD])
            migrated = cursor.fetchone()[0] > 0
    except Exception:
        logger.exception("Health check: the database failed")
        return "error"
    if not migrated:
        logger.error("Health check: the database has no tracker tables (not migrated, or not ours)")
        return "not migrated"
    return "ok"


def check_cache():
    # A value that only this call can have written: a cache that swallows its errors and answers
    # None (or an old value) fails too. Any exception counts: a probe reports, it never answers 500.
    # The outage is logged once with the pages' (cache_outage), not at every probe.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
    except Exception as error:
        cache_outage.failed(error)
        return "degraded"
    if read != value:
        cache_outage.failed("it did not give back the value just set")
        return "degraded"
    cache_outage.worked()
    return "ok"


@require_GET
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    response = JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


def error_page(request, template_name):
    """An error page in the reader's language (cookie, then browser, then Thai), rendered from a
    plain dictionary: no context processor runs, so nothing asks the database or the session."""
    language = translation.get_language_from_request(request)
    try:
        with translation.override(language):
            return loader.get_template(template_name).render({"LANGUAGE_CODE": language})
    except Exception:
        # The template itself failed (a missing static manifest, say): still say something useful.
        logger.exception("The error page %s could not be rendered", template_name)
        return (
            "<!DOCTYPE html><title>500</title><h1>ระบบขัดข้องชั่วคราว</h1>"
            "<p>Something went wrong on our side. Please try again in a few minutes.</p>"
        )


def server_error(request, template_name="500.html"):
    """Django's 500 handler, called while the error is still being handled (``sys.exc_info()``).
    Here rather than in a middleware: it sees an error raised anywhere (a middleware reading the
    session as much as a view), and Django logs the error with the status answered. A database
    that cannot be reached answers 503 with ``Retry-After``: the server is fine and the reader should
    come back; any other error is a 500."""
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(error_page(request, "503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"  # nobody may keep the outage's page for later
        return response
    return HttpResponseServerError(error_page(request, template_name))
