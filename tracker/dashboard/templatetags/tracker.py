"""Template filters that present the numbers: thousands separators, percents, BE dates, bands."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext

from tracker.lib import fiscal
from tracker.targets.progress import Band

register = template.Library()


def _lang():
    return get_language() or "th"


@register.filter
def num(value, decimals=0):
    """218910 → 218,910; with ``decimals`` places, rounded half-up."""
    if value is None or value == "":
        return "–"
    places = int(decimals or 0)
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def pct(value):
    """57.0512… → 57.05%."""
    if value is None:
        return "–"
    return f"{num(value, 2)}%"


@register.filter
def thaidate(value):
    """A date (or datetime, shown in Bangkok time) as 7 มิ.ย. 2567 in Thai, 7 Jun 2024 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return fiscal.format_date(value, _lang())


@register.filter
def slashdate(value):
    """A date as typed in a form: 7/5/2567 in Thai (BE), 7/5/2024 in English; the day field reads both."""
    if not value:
        return ""
    year = fiscal.to_be(value.year) if _lang().startswith("th") else value.year
    return f"{value.day}/{value.month}/{year}"


@register.filter
def thaidatetime(value):
    """A moment in Bangkok time: 25 พ.ย. 2569 19:40 in Thai, 25 Nov 2026 19:40 in English."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{fiscal.format_date(local.date(), _lang())} {local:%H:%M}"


@register.filter
def thaimonth(value):
    return fiscal.format_month(value, _lang())


@register.filter
def fiscal_year_label(value):
    """2567 → ปีงบประมาณ พ.ศ. 2567 / FY 2567 BE (BE in both: BMA names its fiscal years in BE)."""
    return f"ปีงบประมาณ พ.ศ. {value}" if _lang().startswith("th") else f"FY {value} BE"


@register.filter
def absolute(value):
    """−3 → 3: a change's size, for sentences that say "up" or "down" in words."""
    return None if value is None else abs(value)


@register.filter
def bar_step(value):
    """A percent as a whole number 0–100, the class of a bar's width (static/css/positions.css)."""
    if value is None:
        return 0
    return int(max(Decimal(0), min(Decimal(100), Decimal(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def band_label(band, target):
    """≥ 100% / 50% – < 100% / < 50% / not reported, from the target's own thresholds."""
    return band_text(band, target.band_low, target.band_high)


def band_text(band, low, high):
    low, high = num(low, 0 if low == int(low) else 2), num(high, 0 if high == int(high) else 2)
    if band == Band.HIGH:
        return f"≥ {high}%"
    if band == Band.MIDDLE:
        return f"{low}% – < {high}%"
    if band == Band.LOW:
        return f"< {low}%"
    return gettext("Not reported")


@register.inclusion_tag("dashboard/_as_of_picker.html")
def as_of_picker():
    """What as-of-picker.js needs to show the "as of" date in the reader's calendar: month names,
    and the years in BE (Thai) or CE (English). The form still sends 2024-06-07."""
    thai = _lang().startswith("th")
    return {"picker": {
        "months": fiscal.THAI_MONTHS if thai else fiscal.ENGLISH_MONTHS_ABBR,
        "yearOffset": fiscal.BE_OFFSET if thai else 0,
        "labels": {"day": gettext("Day"), "month": gettext("Month"), "year": gettext("Year")},
    }}
