"""The data version: one number that every write of figures' data advances, in the same transaction.

Cached pages and figures are keyed by it, so a cache entry made before a write is never read
after it, whatever the cache backend and however many app servers share the database.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    value = models.BigIntegerField(_("version"), default=0)
    # Of the pages as of an earlier day (``versions``): moved only by what can rewrite the past.
    past = models.BigIntegerField(_("version of the past"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.value)
