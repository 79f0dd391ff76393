"""Rendered public pages kept in the cache, keyed by the data version.

``cached_page`` wraps a read-only view. For an anonymous GET it keys the response by the code's
release fingerprint, the data version, the day (pages default to "as of today"), the language and the full path with its query
string; a hit is served without computing or rendering anything, and a write (which advances the
version) makes every earlier entry unreachable at once. Every such response carries an ETag of
that key and ``Cache-Control: public, no-cache`` — a proxy or browser may keep it but must ask
again each time, and gets a bodiless 304 while the data is unchanged — so nothing stale is ever
served. Logged-in people's pages hold their own links and a CSRF token: they are neither cached
nor shared (``private``).

The cache is an accelerator, not a dependency: when it fails (Redis down, full, restarting), the
page is computed and served uncached, and ``cache_outage`` logs the outage once per process — a
warning when it begins, one line when the cache answers again — not once per request.
"""
import functools
import hashlib
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from redis.exceptions import RedisError

from tracker.caching.versions import current

logger = logging.getLogger(__name__)

KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")

# What a cache server that cannot serve raises: redis-py's errors (refused, timed out, out of
# memory, still loading its data after a restart) and the socket errors other clients let through.
# Not every Exception: a value that cannot be pickled or a wrong argument is our bug, and must
# fail loudly rather than quietly turn the cache off as if it were an outage.
CACHE_ERRORS = (RedisError, OSError)


class CacheOutage:
    """Whether this process last found the cache failing, so that an outage is logged when it
    begins and when it ends — not on every request of a busy server in between."""

    def __init__(self):
        self.down = False
        self._lock = threading.Lock()  # runserver's threads; gunicorn's sync workers have one

    def failed(self, error):
        """``error``: the exception the cache raised, or in words what it did wrong."""
        with self._lock:
            began, self.down = not self.down, True
        if began:
            logger.warning(
                "The cache failed (%s): pages are served uncached until it is back", error,
                exc_info=error if isinstance(error, BaseException) else None,
            )

    def worked(self):
        if not self.down:
            return
        with self._lock:
            ended, self.down = self.down, False
        if ended:
            logger.info("The cache is back: pages are cached again")


cache_outage = CacheOutage()


@functools.cache
def release():
    """A fingerprint of the code that draws the pages — our Python, templates and compiled
    catalogues — read once per process. Part of every key: after a deployment that changes how a
    page looks, no page drawn by the old code is served from the cache (Redis outlives a restart)."""
    digest = hashlib.sha256()
    for folder, pattern in (("tracker", "*.py"), ("templates", "*"), ("locale", "*.mo")):
        for path in sorted((settings.BASE_DIR / folder).rglob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request):
    parts = [release(), str(current()), timezone.localdate().isoformat(), get_language() or "", request.get_full_path()]
    return "page:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD") and not request.user.is_authenticated
        and not request.COOKIES.get("messages")  # a message to show once: not a page to share
    )


def _not_modified(request, etag):
    return etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]


def cached_page(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)
        etag = f'"{key[5:37]}"'
        if _not_modified(request, etag):
            response = HttpResponseNotModified()
        else:
            try:
                kept = cache.get(key)
            except CACHE_ERRORS as error:
                cache_outage.failed(error)
                kept, reachable = None, False
            else:
                cache_outage.worked()
                reachable = True
            if kept is not None:
                status, headers, content = kept
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()  # a TemplateResponse (class-based views) renders lazily
                if response.status_code == 200 and not response.streaming and not response.cookies:
                    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
                    if reachable:  # not a second wait on a cache that has just failed
                        try:
                            cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
                        except CACHE_ERRORS as error:
                            cache_outage.failed(error)
                else:
                    return response
        response["ETag"] = etag
        # nginx (deploy/nginx) may store the page, already expired: it asks again every time, with
        # If-None-Match, and serves its copy on our 304. nginx never passes this header on.
        response["X-Accel-Expires"] = "@1"
        patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper
