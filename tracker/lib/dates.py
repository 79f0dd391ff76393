"""Days as Thai offices type them, for every form: ``2024-06-07``, or in BE ``2567-06-07`` or
``7/6/2567`` (day/month/year). A year above 2400 is a Buddhist-Era year (BE = CE + 543:
``fiscal.typed_year_ce``, the rule of the month converter and the import too). ``PlausibleDayField`` also keeps a staff-entered date within
``fiscal.plausible_days()``, the range the database's check constraints hold too."""
import datetime
import re

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tracker.lib import fiscal

ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
THAI_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_day(text):
    """The day ``text`` names (CE or BE), or None when it names none."""
    text = str(text).strip()
    if match := ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := THAI_DAY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return datetime.date(fiscal.typed_year_ce(year), month, day)
    except ValueError:
        return None


class DayField(forms.DateField):
    """A day typed in CE or BE (see the module)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        day = parse_day(value)
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day


def plausible_range_message():
    first, last = fiscal.plausible_days()
    language = get_language() or "th"
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": fiscal.format_date(first, language), "last": fiscal.format_date(last, language),
    }


class PlausibleDayField(DayField):
    """A staff-entered day, CE or BE, within the fiscal years the system holds (± a few)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(*args, **kwargs)
        first, last = fiscal.plausible_days()
        self.widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def validate(self, value):
        super().validate(value)
        first, last = fiscal.plausible_days()
        if value is not None and not first <= value <= last:
            raise forms.ValidationError(plausible_range_message(), code="implausible")
