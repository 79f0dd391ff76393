"""Database check constraints for what staff type: a date within the plausible days
(``fiscal.plausible_days()``) and a text within its length. The forms refuse the same with a
message; the constraints keep out what comes round the forms (a shell, a bulk update, SQLite, where
a varchar's length is not enforced)."""
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from tracker.lib import fiscal


def plausible_day(field, name):
    """``field`` (a DateField, may be null) within the plausible days."""
    first, last = fiscal.plausible_days()
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__range": (first, last)}), name=name,
    )


def text_within(field, limit, name):
    """``field`` at most ``limit`` characters long."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)
