"""Rendered public pages kept in the cache, keyed by the data version.

``cached_page(view, reads=(...))`` wraps a read-only view that reads the query parameters named in
``reads``: the others are dropped before the view runs, so an unknown parameter neither reaches the
page nor makes a new entry, and the parameters are put in one order. For an anonymous GET the
response is keyed by the code's release fingerprint, the data version, the day, the language, the
path and those parameters. A page as of today is keyed by the version every write advances; a page
as of an earlier day (``?as_of=`` a day settled: ``versions.settled``) by the version of the past, which only what can
rewrite the past advances (``versions``), so the reporting rush does not empty it. A hit is served
without computing or rendering anything. One request computes a missing entry at a time; the others
wait for it a moment (``SINGLE_FLIGHT_SECONDS``) rather than compute it again. Every such response
carries an ETag of that key and ``Cache-Control: public, no-cache`` — a proxy or browser may keep it
but must ask again each time, and gets a bodiless 304 while the data is unchanged — so nothing
stale is ever served. Logged-in people's pages hold their own links and a CSRF token: they are
neither cached nor shared (``private``).

The cache is an accelerator, not a dependency: when it fails (Redis down, full, restarting), the
page is computed and served uncached, and ``cache_outage`` logs the outage once per process — a
warning when it begins, one line when the cache answers again — not once per request.
"""
import datetime
import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from redis.exceptions import RedisError

from tracker.web.versions import current, settled

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


# How long a request waits for another that is computing the same page, and how often it looks.
SINGLE_FLIGHT_SECONDS = 10
SINGLE_FLIGHT_POLL = 0.05


def _as_of_a_settled_day(request):
    try:
        return settled(datetime.date.fromisoformat(request.GET.get("as_of", "")))
    except ValueError:
        return False


def page_key(request):
    value, past = current()
    version = f"past {past}" if _as_of_a_settled_day(request) else f"now {value}"
    parts = [release(), version, timezone.localdate().isoformat(), get_language() or "", request.get_full_path()]
    return "page:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _only(request, reads):
    """``request`` with only the query parameters in ``reads``, in that order."""
    query = urlencode([(name, value) for name in reads for value in request.GET.getlist(name)])
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD") and not request.user.is_authenticated
        and not request.COOKIES.get("messages")  # a message to show once: not a page to share
    )


def _not_modified(request, etag):
    return etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]


def _cache(operation, *args):
    """A cache operation, or None when the cache fails (an outage, logged once)."""
    try:
        answer = operation(*args)
    except CACHE_ERRORS as error:
        cache_outage.failed(error)
        raise _Down from error
    cache_outage.worked()
    return answer


class _Down(Exception):
    """The cache failed: the page is served uncached."""


def _wait_for(key, lock):
    """The entry another request is computing, when it is stored within ``SINGLE_FLIGHT_SECONDS``."""
    deadline = time.monotonic() + SINGLE_FLIGHT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(SINGLE_FLIGHT_POLL)
        kept = _cache(cache.get, key)
        if kept is not None or _cache(cache.get, lock) is None:  # stored, or the other stored nothing
            return kept
    return None


def kept(key, compute, pack=lambda value: value):
    """(value, True): the entry for ``key`` from the cache; or (``compute()``, False), stored as
    ``pack(value)`` unless that is None. One request computes a missing entry at a time (single
    flight); the cache failing, the value is computed."""
    lock, locked = key + ":computing", False
    try:
        stored = _cache(cache.get, key)
        if stored is None:
            locked = _cache(cache.add, lock, 1, SINGLE_FLIGHT_SECONDS)
            if not locked:
                stored = _wait_for(key, lock)
    except _Down:
        return compute(), False
    if stored is not None:
        return stored, True
    value = compute()
    try:
        packed = pack(value)
        if packed is not None:
            _cache(cache.set, key, packed, settings.PAGE_CACHE_SECONDS)
        if locked:
            _cache(cache.delete, lock)
    except _Down:
        pass  # the lock expires by itself; not a second wait on a cache that has just failed
    return value, False


def _packed(response):
    """What the cache keeps of a page: a 200 that is not streamed and sets no cookie."""
    if response.status_code == 200 and not response.streaming and not response.cookies:
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        return (response.status_code, headers, response.content)
    return None


def _served(key, compute):
    """(response, kept): the page for ``key`` from the cache (kept), or computed and stored when it may be."""
    value, was_kept = kept(key, compute, _packed)
    if not was_kept:
        return value, False
    status, headers, content = value
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response, True


def _rendered(response):
    if hasattr(response, "render") and not response.is_rendered:
        response.render()  # a TemplateResponse (class-based views) renders lazily
    return response


def cached_page(view=None, *, reads=()):
    """``view``, served from the cache for anonymous GETs; ``reads``: the query parameters it reads."""
    if view is None:
        return functools.partial(cached_page, reads=reads)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _only(request, reads)
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)
        etag = f'"{key[5:37]}"'
        if _not_modified(request, etag):
            response = HttpResponseNotModified()
        else:
            response, kept = _served(key, lambda: _rendered(view(request, *args, **kwargs)))
            if not kept and (response.status_code != 200 or response.streaming or response.cookies):
                return response
        response["ETag"] = etag
        # nginx (deploy/nginx) may store the page, already expired: it asks again every time, with
        # If-None-Match, and serves its copy on our 304. nginx never passes this header on.
        response["X-Accel-Expires"] = "@1"
        patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper
