"""Advancing and reading the data version (see ``models.DataVersion``).

Every save, deletion and many-to-many change of a model of our apps advances it (signals), inside
the writer's transaction: a rolled-back write leaves it as it was, and a reader sees the new
version exactly when it sees the new data. The recording functions that write in bulk (bypassing
signals) call ``bump()`` themselves. Historical records (django-simple-history) accompany a write
of their model and are skipped.
"""
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from tracker.caching.models import DataVersion

APPS = {"org", "targets", "okrs", "meetings", "reporting"}
ROW = 1


def bump():
    """Advance the data version (in the current transaction, if any)."""
    if not DataVersion.objects.filter(pk=ROW).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=ROW, defaults={"value": 1})


def current():
    """The data version now: one primary-key read."""
    return DataVersion.objects.filter(pk=ROW).values_list("value", flat=True).first() or 0


def _tracked(model):
    return model._meta.app_label in APPS and not model.__name__.startswith("Historical")


def _on_write(sender, **kwargs):
    if _tracked(sender):
        bump()


def connect():
    post_save.connect(_on_write, dispatch_uid="caching_bump_on_save")
    post_delete.connect(_on_write, dispatch_uid="caching_bump_on_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="caching_bump_on_m2m")


def _on_m2m(sender, instance, action, **kwargs):
    if action.startswith("post_") and _tracked(type(instance)):
        bump()
