"""Figures as of a settled day kept in the cache.

What counts as of the end of a day that has settled (``versions.settled``) is what was recorded by
then, and a result written today carries today's time: so ``progress.compute`` as of such a day
gives the same figures until something rewrites the past (``versions``: a target, an allocation, a
fixture loaded …). ``figures`` keeps them by the version of the past: the overview's comparison
with the latest meeting, and every page as of an earlier day, are computed once, not after each
result written in the reporting rush. Figures as of today are computed every time (the pages that
show them are cached by the data version). One computation per key at a time, and the cache
failing, they are computed (``pages.kept``).
"""
import hashlib

from django.conf import settings

from tracker.targets import progress
from tracker.web.pages import kept, release
from tracker.web.versions import current, settled


def figures(targets, as_of, **options):
    """``progress.compute(targets, as_of, **options)``, from the cache when ``as_of`` is settled."""
    targets = list(targets)
    if settings.PAGE_CACHE_SECONDS <= 0 or not targets or not settled(as_of):
        return progress.compute(targets, as_of, **options)
    shape = sorted((name, value) for name, value in options.items() if name != "districts")  # districts: a query saved
    parts = [release(), str(current()[1]), as_of.isoformat(), repr(shape), ",".join(str(t.pk) for t in targets)]
    key = "figures:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return kept(key, lambda: progress.compute(targets, as_of, **options))[0]
