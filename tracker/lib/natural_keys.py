"""Natural keys, declared once per model: ``NATURAL_KEY`` names the lookups that find a row
(``("target__code", "unit__code", "period")``), so that ``loaddata`` updates the same rows when a
fixture is loaded again, whatever their primary keys."""
import datetime
import functools

from django.db import models


class NaturalKey:
    """``natural_key()``: the values of the model's ``NATURAL_KEY`` lookups, days and moments in ISO form."""

    def natural_key(self):
        values = (functools.reduce(getattr, lookup.split("__"), self) for lookup in self.NATURAL_KEY)
        return tuple(value.isoformat() if isinstance(value, datetime.date) else value for value in values)


class NaturalKeyQuerySet(models.QuerySet):
    """``get_by_natural_key()``: the row whose ``NATURAL_KEY`` lookups have these values."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.NATURAL_KEY, key, strict=True)))
