"""Codes in paths and in the data: letters, digits, dots, hyphens and underscores.

The URL converter makes anything else in a path (a NUL byte, a slash, Thai text) a 404 before
it reaches the database — PostgreSQL would refuse a NUL in a query with an error, not an empty
result — and the validator keeps codes that the URLs could not carry out of the data.
"""
import datetime

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tracker.lib import fiscal

CODE_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*"

validate_code = RegexValidator(
    rf"^{CODE_PATTERN}\Z",
    _("Use letters, digits, dots, hyphens and underscores only, starting with a letter or digit, e.g. ENV-TREES."),
)


class CodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class MonthConverter:
    """``2024-06`` (or the same month in BE, ``2567-06``) ↔ the first day of the month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        year, month = (int(part) for part in value.split("-"))
        year = fiscal.typed_year_ce(year)
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise ValueError(value)  # the URL does not match: a 404
        return datetime.date(year, month, 1)

    def to_url(self, value):
        return f"{value.year:04d}-{value.month:02d}"
