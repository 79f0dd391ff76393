"""How figures and dates are written for readers: thousands separators, percents, signed changes and
Buddhist-Era dates in the active language. Pure functions of their values; the template filters
(``tracker.dashboard.templatetags.tracker``), tables, exports and the brief all call these."""
import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils import translation
from django.utils.translation import get_language

from tracker.lib import fiscal


def language():
    """The active language, Thai when none is active (a command, a test outside a request)."""
    return get_language() or "th"


def num(value, decimals=0):
    """218910 → 218,910; with ``decimals`` places, rounded half-up."""
    if value is None or value == "":
        return "–"
    places = int(decimals or 0)
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def pct(value):
    """57.0512… → 57.05%."""
    if value is None:
        return "–"
    return f"{num(value, 2)}%"


def signed(value, decimals=0):
    """A change with its sign: +3, −1.25 (a true minus sign), ±0."""
    if value is None:
        return "–"
    shown = num(abs(value), decimals)
    if value > 0:
        return f"+{shown}"
    if value < 0:
        return f"\u2212{shown}"
    return f"±{shown}"


def absolute(value):
    """−3 → 3: a change's size, for sentences that say "up" or "down" in words."""
    return None if value is None else abs(value)


def bar_step(value):
    """A percent as a whole number 0–100, the class of a bar's width (static/css/positions.css)."""
    if value is None:
        return 0
    return int(max(Decimal(0), min(Decimal(100), Decimal(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def thaidate(value):
    """A date (or datetime, shown in Bangkok time) as 7 มิ.ย. 2567 in Thai, 7 Jun 2024 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return fiscal.format_date(value, language())


def slashdate(value):
    """A date as typed in a form: 7/5/2567 in Thai (BE), 7/5/2024 in English; the day field reads both."""
    if not value:
        return ""
    year = fiscal.to_be(value.year) if language().startswith("th") else value.year
    return f"{value.day}/{value.month}/{year}"


def thaidatetime(value):
    """A moment in Bangkok time: 25 พ.ย. 2569 19:40 in Thai, 25 Nov 2026 19:40 in English."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{fiscal.format_date(local.date(), language())} {local:%H:%M}"


def thaimonth(value):
    """A month as มิ.ย. 2567 in Thai, Jun 2024 in English."""
    return fiscal.format_month(value, language())


def fiscal_year_label(value):
    """2567 → ปีงบประมาณ พ.ศ. 2567 / FY 2567 BE (BE in both: BMA names its fiscal years in BE)."""
    return f"ปีงบประมาณ พ.ศ. {value}" if language().startswith("th") else f"FY {value} BE"


def threshold(value):
    """A band threshold as written in a band's range: 50, 12.5 → 12.50 (whole numbers without decimals)."""
    return num(value, 0 if value == int(value) else 2)


def display(instance, name):
    """``instance.get_<name>_display()`` with the labels translated once per language and process
    (Django's display method builds a dict of every choice at each call: 30–100 µs, hundreds of
    times on a page of 200 rows)."""
    return choice_label(type(instance), name, getattr(instance, name))


def choice_label(model, name, value):
    """The label of ``value`` among the choices of ``model``'s field ``name``, in the active language."""
    return _labels(model, name, language()).get(value, value)


@functools.lru_cache(maxsize=64)
def _labels(model, name, language):
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}
