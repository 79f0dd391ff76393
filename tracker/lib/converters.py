"""Codes in paths and in the data: letters, digits, dots, hyphens and underscores.

The URL converter makes anything else in a path (a NUL byte, a slash, Thai text) a 404 before
it reaches the database — PostgreSQL would refuse a NUL in a query with an error, not an empty
result — and the validator keeps codes that the URLs could not carry out of the data.
"""
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

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
