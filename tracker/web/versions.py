"""Advancing and reading the data version (see ``models.DataVersion``).

Two counters in one row. ``value`` advances with every write of data a page shows: pages as of
today are keyed by it. ``past`` advances only with writes that can change what a page as of an
earlier day shows: a result written by the recording functions carries its revision and time, so
a figure as of a past day reads it as it stood then, and no ordinary result write moves ``past``;
everything else (a target, an allocation, a unit's name, a meeting, a fixture loaded, a restore,
a migration) moves both. Models that feed no public page — a person's roles and language, a
reminder sent — move neither.

The row is advanced once per transaction, after it commits (``transaction.on_commit``): writers
do not queue on it, a rolled-back write leaves it, and a reader reads the version before the data,
so a page computed while a write commits is stored under the old version, never served after it.
"""
import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone

from tracker.lib import fiscal
from tracker.targets.signals import written_in_bulk
from tracker.web.models import DataVersion

APPS = {"org", "targets", "okrs", "meetings", "reporting"}
# Models that no public page reads: who may do what, a person's language, a reminder sent.
UNSEEN = {"org.membership", "org.profile", "reporting.reminder"}
# Written with their revisions by the recording functions: as of a past day they read as they stood.
KEPT_AS_THEY_STOOD = {"targets.result", "targets.resultrevision"}
ROW = 1


class _Advance:
    """The advance a transaction owes, run once after it commits."""

    def __init__(self, past, transaction_block=None):
        self.past, self.block, self.done = past, transaction_block, False

    def __call__(self):
        self.done = True
        changes = {"value": F("value") + 1, **({"past": F("past") + 1} if self.past else {})}
        if not DataVersion.objects.filter(pk=ROW).update(**changes):
            DataVersion.objects.get_or_create(pk=ROW, defaults={"value": 1, "past": 1})


def bump(past=True):
    """Advance the data version (and, with ``past``, the pages of earlier days) once the current
    transaction commits; at once outside a transaction.

    A test case's own transaction (Django's ``TestCase`` wraps each test in one that never commits)
    counts as none, as Django's ``atomic(durable=True)`` counts it."""
    connection = transaction.get_connection()
    blocks = [block for block in connection.atomic_blocks if not block._from_testcase]
    if not blocks:
        _Advance(past)()
        return
    owed = getattr(connection, "_data_version_owed", None)
    if owed is not None and owed.block is blocks[0] and not owed.done and any(f is owed for _s, f, _r in connection.run_on_commit):
        owed.past |= past
        return
    owed = connection._data_version_owed = _Advance(past, blocks[0])
    transaction.on_commit(owed)


# Longer than any writer's transaction: a result stamped before midnight may commit just after it.
SETTLING = datetime.timedelta(minutes=15)


def settled(day):
    """Whether what counts as of the end of ``day`` can no longer change by an ordinary write (the
    day ended more than ``SETTLING`` ago): figures and pages as of it are keyed by the past."""
    return fiscal.end_of_day(day) + SETTLING < timezone.now()


def current():
    """(value, past) now: one primary-key read."""
    return DataVersion.objects.filter(pk=ROW).values_list("value", "past").first() or (0, 0)


def _label(model):
    return model._meta.label_lower


def _tracked(model):
    return model._meta.app_label in APPS and not model.__name__.startswith("Historical") and _label(model) not in UNSEEN


def _on_save(sender, raw=False, **kwargs):
    if _tracked(sender):
        bump(past=raw or _label(sender) not in KEPT_AS_THEY_STOOD)


def _on_delete(sender, **kwargs):
    if _tracked(sender):
        bump()


def _on_m2m(sender, instance, action, **kwargs):
    if action.startswith("post_") and _tracked(type(instance)):
        bump()


def _in_bulk(sender, **kwargs):
    bump(past=_label(sender) not in KEPT_AS_THEY_STOOD)


def _after_migrate(sender, using, **kwargs):
    """Every ``migrate`` may have changed what any page shows."""
    if sender.name == "tracker.web":
        bump()


def connect():
    post_save.connect(_on_save, dispatch_uid="caching_bump_on_save")
    post_delete.connect(_on_delete, dispatch_uid="caching_bump_on_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="caching_bump_on_m2m")
    written_in_bulk.connect(_in_bulk, dispatch_uid="caching_bump_in_bulk")
    post_migrate.connect(_after_migrate, dispatch_uid="caching_bump_after_migrate")
