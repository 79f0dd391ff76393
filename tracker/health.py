"""What the server says about itself: ``/healthz`` for load balancers and monitors, and the 500 page.

Both must work when the rest does not. ``/healthz`` answers without a log-in or a cookie and is
never cached; the 500 page renders without the database (no context processors, no query).
"""
import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# An app whose migrations every tracker database has recorded: a database that connects but has
# none (an empty one, another project's, a wrong DATABASE_URL) is not ours and fails the check.
APP_OF_RECORD = "targets"


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
    # None (or an old value) fails too.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache failed")
        return "error"
    if read != value:
        logger.error("Health check: the cache did not give back the value just set")
        return "error"
    return "ok"


@require_GET
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    healthy = all(state == "ok" for state in checks.values())
    response = JsonResponse(checks, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    """The 500 page in the reader's language (cookie, then browser, then Thai), rendered from a
    plain dictionary: no context processor runs, so nothing asks the database or the session."""
    language = translation.get_language_from_request(request)
    try:
        with translation.override(language):
            html = loader.get_template(template_name).render({"LANGUAGE_CODE": language})
    except Exception:
        # The template itself failed (a missing static manifest, say): still say something useful.
        logger.exception("The 500 page could not be rendered")
        html = (
            "<!DOCTYPE html><title>500</title><h1>ระบบขัดข้องชั่วคราว</h1>"
            "<p>Something went wrong on our side. Please try again in a few minutes.</p>"
        )
    return HttpResponseServerError(html)
