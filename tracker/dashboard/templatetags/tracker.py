"""Template filters that present the numbers: thousands separators, percents, BE dates, bands.

The small pieces every figure is drawn with — status chip, progress bar, result, band counts, trend
arrow — are tags written in Python rather than included templates: the overview draws each of them
for every one of 200-odd targets, and an include costs a template context, a lookup and a
translation per piece (at city scale the overview rendered in 55 ms with includes, 31 ms with these
tags and its rows drawn by ``overview_rows``).
"""
import datetime
import functools
import html
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from tracker.lib import fiscal
from tracker.targets.models import Target
from tracker.targets.progress import Band, Status

register = template.Library()


def esc(value):
    """``conditional_escape`` without its lazy-string wrapper (called thousands of times a page):
    safe strings as they are, anything else escaped as Django escapes it."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


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


def band_text(band, low, high, not_reported=None):
    if band in (Band.HIGH, Band.MIDDLE, Band.LOW):
        return _band_range(band, low, high)
    return not_reported or gettext("Not reported")


@functools.lru_cache(maxsize=256)
def _band_range(band, low, high):
    """A band's range from its thresholds (the same in every language), worked out once per process."""
    low, high = num(low, 0 if low == int(low) else 2), num(high, 0 if high == int(high) else 2)
    if band == Band.HIGH:
        return f"≥ {high}%"
    if band == Band.MIDDLE:
        return f"{low}% – < {high}%"
    return f"< {low}%"


def unit_label(target):
    """``target.get_unit_of_measure_display()``, the labels translated once per language and process
    (Django's display method builds a dict of every choice at each call: 30 µs, 200 times a page)."""
    return _unit_labels(_lang()).get(target.unit_of_measure, target.unit_of_measure)


@functools.lru_cache(maxsize=8)
def _unit_labels(language):
    field = Target._meta.get_field("unit_of_measure")
    with translation.override(language):
        return {value: str(label) for value, label in field.flatchoices}


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


# The words the figures are drawn with. A gettext call costs a few microseconds (it looks up the
# active language); the overview draws about 3,000 of these words, so each language's are looked
# up once per process (translations do not change while it runs).
WORDS = [
    gettext_noop("districts"), gettext_noop("Districts by band"), gettext_noop("Not reported"),
    gettext_noop("%(p)s done; %(e)s expected by now"), gettext_noop("Expected by now"),
    gettext_noop("of which %(amount)s not yet verified"), gettext_noop("mean of latest levels; target"),
    gettext_noop("up %(n)s points since %(day)s"), gettext_noop("down %(n)s points since %(day)s"),
    gettext_noop("unchanged since %(day)s"), gettext_noop("Result / target"), gettext_noop("%% of target"),
    gettext_noop("Status"), gettext_noop("reported by the host"), gettext_noop("Last reported"),
    gettext_noop("not yet reported"), gettext_noop("Who has reported %(month)s: %(r)s / %(a)s"),
    gettext_noop("When"), gettext_noop("District"), gettext_noop("Target"), gettext_noop("Month"),
    gettext_noop("Change"), gettext_noop("Value"), gettext_noop("By"), gettext_noop("Reason for returning"),
    gettext_noop("the system"), gettext_noop("Z%(n)s"), gettext_noop("(to %(day)s only)"),
]


@functools.lru_cache(maxsize=8)
def words_in(language):
    with translation.override(language):
        # "%% of target" is the template's spelling of "% of target" (Django's templates double a
        # lone percent sign in their messages), so that the catalogue has one entry for both.
        return {message: gettext(message).replace("%%", "%") if "%%" in message else gettext(message) for message in WORDS}


def words():
    """{message: its translation in the active language} for the messages of ``WORDS``."""
    return words_in(_lang())


URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@functools.lru_cache(maxsize=32)
def _code_url_parts(name, prefix):
    marker = "CODE0MARK"
    return tuple(reverse(name, args=[marker]).split(marker))


def code_url(name, code):
    """reverse(name, args=[code]) for the views that take one code, reversing once per view:
    reverse() costs about 40 µs, and the overview links 200-odd targets."""
    head, tail = _code_url_parts(name, get_script_prefix())
    return f"{head}{quote(code, safe=URL_SAFE)}{tail}"


def _sentence(message, **values):
    """A translated sentence with its values put in, as ``{% blocktranslate %}`` does: the values
    escaped, the translator's text as written."""
    return mark_safe(message % {name: conditional_escape(value) for name, value in values.items()})


@register.simple_tag
def status_chip(figure, label=None):
    """On track / behind … as a coloured chip."""
    return mark_safe(f'<span class="status status-{esc(figure.status)}">{esc(label or figure.status_label)}</span>')


@register.simple_tag
def progress_bar(figure, w=None):
    """The progress bar with its expected-by-now mark (widths from static/css/positions.css)."""
    w = w or words()
    label = _sentence(w["%(p)s done; %(e)s expected by now"], p=pct(figure.percent), e=pct(figure.expected))
    return mark_safe(
        f'<div class="bar" role="img" aria-label="{esc(label)}">\n  <span class="fill w-{bar_step(figure.percent)}"></span>\n'
        f'  <span class="expected l-{bar_step(figure.expected)}" title="{esc(w["Expected by now"])}"></span>\n</div>'
    )


@register.simple_tag
def unverified_note(figure, w=None):
    """How much of the result its host has not verified yet (nothing when all of it is)."""
    target = figure.target
    if target.is_level:
        if not figure.unverified_units:
            return ""
        text = _sentence(ngettext(
            "the latest level of %(counter)s district not yet verified",
            "the latest levels of %(counter)s districts not yet verified", figure.unverified_units,
        ), counter=figure.unverified_units)
    elif figure.unverified:
        text = _sentence((w or words())["of which %(amount)s not yet verified"], amount=num(figure.unverified, target.decimals))
    else:
        return ""
    return mark_safe(f'<small class="unverified" data-figure="unverified">{esc(text)}</small>')


@register.simple_tag
def result_cell(figure, w=None, unit=None):
    """218,910 / 200,000 ต้น (a level: 57.05% mean of latest levels; target 60%), and what is unverified."""
    w = w or words()
    target = figure.target
    if target.is_level:
        shown = (
            f'<span class="num">{esc(num(figure.result, target.decimals))}%</span> '
            f'<span class="unit-label">{esc(w["mean of latest levels; target"])} {esc(num(target.target_value, target.decimals))}%</span>'
        )
    else:
        shown = (
            f'<span class="num">{esc(num(figure.result, target.decimals))}</span> / '
            f'<span class="num">{esc(num(target.target_value, target.decimals))}</span> '
            f'<span class="unit-label">{esc(unit or unit_label(target))}</span>'
        )
    return mark_safe(f"{shown}{esc(unverified_note(figure, w))}")


# The bands' values in order, read once (an enum's members and values are slow to iterate).
BANDS = [band.value for band in Band]
NOT_REPORTED = Band.NONE.value


@register.simple_tag
def band_counts(figure, w=None):
    """How many districts are in each band (the "not reported" line only when there are some)."""
    w = w or words()
    target, districts = figure.target, esc(w["districts"])
    items = "".join(
        f'\n  <li><span class="band band-{band}">{esc(band_text(band, target.band_low, target.band_high, w["Not reported"]))}</span>'
        f' <strong>{esc(count)}</strong> {districts}</li>\n'
        for band in BANDS
        if (count := figure.band_counts.get(band)) or band != NOT_REPORTED
    )
    return mark_safe(f'<ul class="band-counts" aria-label="{esc(w["Districts by band"])}">\n{items}</ul>')


@register.simple_tag
def trend(comparison, w=None):
    """▲ +3.25 since the day compared with (tracker.dashboard.since), said in words for screen readers."""
    w = w or words()
    direction = comparison.trend
    delta = comparison.percent.delta
    day = thaidate(comparison.since.day)
    if direction == "up":
        arrow, words_ = "▲", _sentence(w["up %(n)s points since %(day)s"], n=num(absolute(delta), 2), day=day)
    elif direction == "down":
        arrow, words_ = "▼", _sentence(w["down %(n)s points since %(day)s"], n=num(absolute(delta), 2), day=day)
    else:
        arrow, words_ = "▶", _sentence(w["unchanged since %(day)s"], day=day)
    direction = esc(direction)
    return mark_safe(
        f'<span class="trend trend-{direction}" data-trend="{direction}"><span aria-hidden="true">{arrow} {esc(signed(delta, 2))}</span>'
        f'<span class="visually-hidden">{esc(words_)}</span></span>'
    )


@register.simple_tag
def compliance_link(figure, compliance, keep="", w=None):
    """"Who has reported June: 48 / 50", linking to that month's compliance page — for those who
    chase reports (``compliance`` from the view; nothing for the public)."""
    counts = compliance and compliance["counts"].get(figure.target.pk)
    if not counts:
        return ""
    month = compliance["month"]
    url = reverse("reporting:compliance", args=[month]) + f"?bureau={quote(figure.target.host.code)}"
    if keep:
        url += "&" + keep[1:]
    text = _sentence((w or words())["Who has reported %(month)s: %(r)s / %(a)s"], month=thaimonth(month), r=counts[0], a=counts[1])
    return format_html(
        '<p class="no-print compliance-link" data-compliance="{}"><a href="{}">{}</a></p>', figure.target.code, url, text,
    )


@register.simple_tag(takes_context=True)
def overview_rows(context, figures):
    """The overview's rows for one host's targets, drawn here rather than by a template: 200-odd
    rows of seven cells were most of the overview's rendering time."""
    w = words()
    keep, comparisons, compliance = context.get("keep", ""), context.get("comparisons") or {}, context.get("compliance")
    labels = [esc(w[m]) for m in ("Result / target", "%% of target", "Status", "Districts by band", "Last reported")]
    reported_by_host, not_yet = esc(w["reported by the host"]), esc(w["not yet reported"])
    child = ' class="child"'
    statuses = {choice.value: str(choice.label) for choice in Status}
    units = {}
    rows = []
    for figure in figures:
        target = figure.target
        if target.unit_of_measure not in units:
            units[target.unit_of_measure] = unit_label(target)
        comparison = comparisons.get(target.pk)
        if target.districts_carry:
            bands = f"{band_counts(figure, w)}{esc(compliance_link(figure, compliance, keep, w))}"
        else:
            bands = f'<span class="note">{reported_by_host}</span>'
        if figure.last_entered_at:
            last = esc(thaidate(figure.last_entered_at))
        else:
            last = f'<span class="note">{not_yet}</span>'
        rows.append(
            f'<tr{child if target.parent_id else ""} data-target="{esc(target.code)}">\n'
            f'<td class="name"><a href="{esc(code_url("dashboard:target", target.code))}{esc(keep)}">{esc(target.name)}</a><br>'
            f'<span class="unit-label">{esc(target.code)}</span></td>\n'
            f'<td data-label="{labels[0]}">{result_cell(figure, w, units[target.unit_of_measure])}</td>\n'
            f'<td class="num" data-label="{labels[1]}"><strong>{esc(pct(figure.percent))}</strong>'
            f'{trend(comparison, w) if comparison is not None and comparison.trend else ""}</td>\n'
            f'<td class="optional bar-cell">{progress_bar(figure, w)}</td>\n'
            f'<td data-label="{labels[2]}">{status_chip(figure, statuses[figure.status])}</td>\n'
            f'<td class="optional" data-label="{labels[3]}">{bands}</td>\n'
            f'<td data-label="{labels[4]}">{last}</td>\n</tr>'
        )
    return mark_safe("\n".join(rows))


@register.simple_tag(takes_context=True)
def history_rows(context, history, show_unit=False, show_target=False):
    """The rows of the history of results (dashboard/_history.html), drawn here: 50 rows of eight
    cells were a sixth of the target page's time as a template. Written with f-strings and ``esc``
    rather than ``format_html``, which cost 3 ms for the 50 rows."""
    w = words()
    keep = esc(context.get("keep", ""))
    label = {m: esc(w[m]) for m in ("When", "District", "Target", "Month", "Change", "Value", "By", "Reason for returning")}
    rows = []
    for revision in history:
        result = revision.result
        target, unit = result.target, result.unit
        changed_at = timezone.localtime(revision.changed_at)
        cells = [f'<td data-label="{label["When"]}"><time datetime="{changed_at.isoformat()}">{esc(thaidate(changed_at))} {changed_at:%H:%M}</time></td>']
        if show_unit:
            name = esc(unit.name)
            if unit.is_district:
                name = f'<a href="{esc(code_url("dashboard:district", unit.code))}{keep}">{name}</a>'
            cells.append(f'<td data-label="{label["District"]}">{name}</td>')
        if show_target:
            cells.append(
                f'<td data-label="{label["Target"]}"><a href="{esc(code_url("dashboard:target", target.code))}{keep}">{esc(target.name)}</a></td>'
            )
        previous = f'<span class="old-value">{num(revision.previous_value, target.decimals)}</span> → ' if revision.value_changed else ""
        value = f'{previous}{num(revision.value, target.decimals)}{"%" if target.is_level else ""}'
        by = revision.changed_by
        cells += [
            f'<td data-label="{label["Month"]}">{esc(thaimonth(result.period))}</td>',
            f'<td data-label="{label["Change"]}"><span class="state state-{esc(revision.state)}">{esc(revision.action_label)}</span></td>',
            f'<td class="num" data-label="{label["Value"]}">{value}</td>',
            f'<td data-label="{label["By"]}">{esc((by.get_full_name() or by.username) if by else w["the system"])}</td>',
            f'<td data-label="{label["Reason for returning"]}">{esc(revision.comment or "")}</td>',
        ]
        rows.append(f'<tr data-revision="{revision.pk}" data-action="{esc(revision.action)}">\n' + "\n".join(cells) + "\n</tr>")
    return mark_safe("\n".join(rows))


@register.simple_tag
def month_rows(figure):
    """The rows of the target page's table of months (the chart's figures), drawn here."""
    w = words()
    decimals = figure.target.decimals
    rows = []
    for point in figure.months:
        partial = point.partial
        through = f' <small>{_sentence(w["(to %(day)s only)"], day=thaidate(point.through))}</small>' if partial else ""
        opening = '<tr class="partial">' if partial else "<tr>"
        rows.append(
            f'{opening}<th scope="row">{esc(thaimonth(point.month))}{through}</th>'
            f'<td class="num">{num(point.value, decimals)}</td><td class="num">{num(point.to_date, decimals)}</td>'
            f'<td class="num">{num(point.expected, decimals)}</td></tr>'
        )
    return mark_safe("".join(rows))


@register.simple_tag(takes_context=True)
def tile_links(context, tiles):
    """The tile map's 50 squares (dashboard/target.html), one link each, drawn here."""
    w = words()
    keep = esc(context.get("keep", ""))
    links = []
    for tile in tiles:
        figure, unit = tile["unit"], tile["unit"].unit
        name = esc(unit.name)
        shown = f"{num(figure.percent_display, 0)}%" if figure.percent is not None else "–"
        links.append(
            f'<a class="tile band-{esc(figure.band)} {esc(tile["edges"])} r-{tile["row"]} c-{tile["col"]}"\n'
            f'       href="{esc(code_url("dashboard:district", unit.code))}{keep}" title="{name}: {esc(pct(figure.percent))}">\n'
            f'      <span class="tile-name">{esc(unit.short_name)}</span>\n      <span class="tile-pct">{esc(shown)}</span>\n'
            f'      <span class="tile-zone">{esc(_sentence(w["Z%(n)s"], n=unit.zone.number))}</span>\n    </a>'
        )
    return mark_safe("\n".join(links))
