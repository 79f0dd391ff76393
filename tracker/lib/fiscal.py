"""BMA fiscal years and Buddhist-Era dates.

BMA fiscal year N (BE) runs from 1 October of N−1 to 30 September of N, in BE years:
FY 2567 = 1 Oct 2023 – 30 Sep 2024. BE = CE + 543.
"""
import datetime

from django.utils import timezone

BE_OFFSET = 543

THAI_MONTHS_ABBR = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]
THAI_MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]
ENGLISH_MONTHS_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def to_be(year_ce):
    return year_ce + BE_OFFSET


def to_ce(year_be):
    return year_be - BE_OFFSET


def typed_year_ce(year):
    """A year as staff type it, in CE: a year above 2400 is a Buddhist-Era one (BE = CE + 543)."""
    return to_ce(year) if year > 2400 else year


def fiscal_year(day):
    """The BE fiscal year that ``day`` falls in: 1 Oct 2023 → 2567, 30 Sep 2024 → 2567."""
    return to_be(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fy_be):
    """First and last day of BE fiscal year ``fy_be``."""
    end_ce = to_ce(fy_be)
    return datetime.date(end_ce - 1, 10, 1), datetime.date(end_ce, 9, 30)


# The days a meeting, an action, a step or a project's report may bear: the fiscal years the system
# holds (the demo's FY 2567, ten years of city-scale data from FY 2560, today's FY 2570) with a few
# to spare either side. A date outside is a typing slip (9999, 1900, a BE year read as CE), refused
# by the forms and by the database's check constraints alike.
PLAUSIBLE_FISCAL_YEARS = (2557, 2575)


def plausible_days():
    """(first, last) day a staff-entered date may fall on: 1 Oct 2556 BE – 30 Sep 2575 BE."""
    return fiscal_year_bounds(PLAUSIBLE_FISCAL_YEARS[0])[0], fiscal_year_bounds(PLAUSIBLE_FISCAL_YEARS[1])[1]


def fiscal_quarter(day):
    """Quarter 1 is October–December."""
    return (day.month - 10) % 12 // 3 + 1


def end_of_day(day):
    """The first moment after ``day`` in the current time zone (Bangkok): "by the end of that day" is
    before it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day):
    return add_months(day, 1) - datetime.timedelta(days=1)


def months_between(first, last):
    """First days of every month from ``first``'s month to ``last``'s month, inclusive."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def fiscal_months(fy_be):
    start, end = fiscal_year_bounds(fy_be)
    return months_between(start, end)


def format_date(day, language="th"):
    """7 มิ.ย. 2567 in Thai; 7 Jun 2024 in English."""
    if day is None:
        return ""
    if language.startswith("th"):
        return f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {to_be(day.year)}"
    return f"{day.day} {ENGLISH_MONTHS_ABBR[day.month - 1]} {day.year}"


def format_month(day, language="th"):
    """มิ.ย. 2567 in Thai; Jun 2024 in English."""
    if day is None:
        return ""
    if language.startswith("th"):
        return f"{THAI_MONTHS_ABBR[day.month - 1]} {to_be(day.year)}"
    return f"{ENGLISH_MONTHS_ABBR[day.month - 1]} {day.year}"


def format_month_short(day, language="th"):
    """มิ.ย. 67 in Thai; Jun 24 in English: for chart axes."""
    if language.startswith("th"):
        return f"{THAI_MONTHS_ABBR[day.month - 1]} {to_be(day.year) % 100:02d}"
    return f"{ENGLISH_MONTHS_ABBR[day.month - 1]} {day.year % 100:02d}"
