"""Template filters and tags of the pages: the formatting of :mod:`tracker.lib.formatting`, and what
the pieces every figure is shown with (status chip, progress bar, result, band counts, trend arrow,
compliance link) say, as text.

The markup is in templates: ``templates/dashboard/_<piece>.html`` for the pages that show a piece a
few times, and the overview's rows as one loop in ``dashboard/overview.html`` over what
``overview_rows`` prepares — an include per piece of 200-odd rows cost a template context, a lookup
and a translation each (the overview rendered in 55 ms with includes). The words the rows use are
translated once per language and process (``words``).
"""
import functools
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext, gettext_noop, ngettext

from tracker.lib import fiscal
from tracker.lib import formatting as f
from tracker.targets.progress import band_text
from tracker.targets.rules import Band, Status

register = template.Library()

for name in ("num", "pct", "signed", "absolute", "bar_step", "thaidate", "slashdate", "thaidatetime", "thaimonth",
             "fiscal_year_label", "display"):
    register.filter(name, getattr(f, name))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def band_label(band, target):
    """≥ 100% / 50% – < 100% / < 50% / not reported, from the target's own thresholds."""
    return band_text(band, target.band_low, target.band_high)


@register.inclusion_tag("dashboard/_as_of_picker.html")
def as_of_picker():
    """What as-of-picker.js needs to show the "as of" date in the reader's calendar: month names,
    and the years in BE (Thai) or CE (English). The form still sends 2024-06-07."""
    thai = f.language().startswith("th")
    return {"picker": {
        "months": fiscal.THAI_MONTHS if thai else fiscal.ENGLISH_MONTHS_ABBR,
        "yearOffset": fiscal.BE_OFFSET if thai else 0,
        "labels": {"day": gettext("Day"), "month": gettext("Month"), "year": gettext("Year")},
    }}


# The sentences the figures are said in. A gettext call costs a few microseconds (it looks up the
# active language); the overview says about 1,000 of them, so each language's are looked up once
# per process (translations do not change while it runs).
WORDS = [
    gettext_noop("Not reported"), gettext_noop("%(p)s done; %(e)s expected by now"),
    gettext_noop("of which %(amount)s not yet verified"), gettext_noop("up %(n)s points since %(day)s"),
    gettext_noop("down %(n)s points since %(day)s"), gettext_noop("unchanged since %(day)s"),
    gettext_noop("Who has reported %(month)s: %(r)s / %(a)s"),
]


@functools.lru_cache(maxsize=8)
def words_in(language):
    with translation.override(language):
        return {message: gettext(message) for message in WORDS}


def words():
    """{message: its translation in the active language} for the messages of ``WORDS``."""
    return words_in(f.language())


URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@functools.lru_cache(maxsize=32)
def _code_url_parts(name, prefix):
    marker = "CODE0MARK"
    return tuple(reverse(name, args=[marker]).split(marker))


@register.filter
def code_url(name, code):
    """reverse(name, args=[code]) for the views that take one code, reversing once per view:
    reverse() costs about 40 µs, and the overview links 200-odd targets."""
    head, tail = _code_url_parts(name, get_script_prefix())
    return f"{head}{quote(code, safe=URL_SAFE)}{tail}"


# The bands' values in order, read once (an enum's members and values are slow to iterate).
BANDS = [band.value for band in Band]
NOT_REPORTED = Band.NONE.value


def bar(figure, w):
    """The progress bar: its words for screen readers, and the classes of its fill and mark."""
    label = w["%(p)s done; %(e)s expected by now"] % {"p": f.pct(figure.percent), "e": f.pct(figure.expected)}
    return {"label": label, "fill": f.bar_step(figure.percent), "expected": f.bar_step(figure.expected)}


def unverified(figure, w):
    """How much of the result its host has not verified yet ("" when all of it is)."""
    target = figure.target
    if target.is_level:
        if not figure.unverified_units:
            return ""
        return ngettext(
            "the latest level of %(counter)s district not yet verified",
            "the latest levels of %(counter)s districts not yet verified", figure.unverified_units,
        ) % {"counter": figure.unverified_units}
    if figure.unverified:
        return w["of which %(amount)s not yet verified"] % {"amount": f.num(figure.unverified, target.decimals)}
    return ""


def result(figure, w, unit=None):
    """218,910 / 200,000 ต้น (a level: 57.05% mean of latest levels; target 60%), and what is unverified."""
    target = figure.target
    return {
        "level": target.is_level, "result": f.num(figure.result, target.decimals),
        "target": f.num(target.target_value, target.decimals), "unit": unit or f.display(target, "unit_of_measure"),
        "unverified": unverified(figure, w),
    }


def bands(figure, w):
    """(band, its range in words, count) for each band, the "not reported" one only when there are some."""
    target = figure.target
    return [
        (band, band_text(band, target.band_low, target.band_high, w["Not reported"]), count)
        for band in BANDS
        if (count := figure.band_counts.get(band)) or band != NOT_REPORTED
    ]


def trend(comparison, w):
    """▲ +3.25 since the day compared with (tracker.dashboard.since), and the same in words."""
    direction, delta, day = comparison.trend, comparison.percent.delta, f.thaidate(comparison.since.day)
    if direction == "up":
        arrow, said = "▲", w["up %(n)s points since %(day)s"] % {"n": f.num(f.absolute(delta), 2), "day": day}
    elif direction == "down":
        arrow, said = "▼", w["down %(n)s points since %(day)s"] % {"n": f.num(f.absolute(delta), 2), "day": day}
    else:
        arrow, said = "▶", w["unchanged since %(day)s"] % {"day": day}
    return {"direction": direction, "arrow": arrow, "delta": f.signed(delta, 2), "words": said}


def compliance(figure, compliance, keep, w):
    """"Who has reported June: 48 / 50" and the link to that month's compliance page, for those who
    chase reports (``compliance`` from the view); None for the public."""
    counts = compliance and compliance["counts"].get(figure.target.pk)
    if not counts:
        return None
    month = compliance["month"]
    url = reverse("reporting:compliance", args=[month]) + f"?bureau={quote(figure.target.host.code)}"
    if keep:
        url += "&" + keep[1:]
    text = w["Who has reported %(month)s: %(r)s / %(a)s"] % {"month": f.thaimonth(month), "r": counts[0], "a": counts[1]}
    return {"url": url, "text": text}


@register.inclusion_tag("dashboard/_status.html")
def status_chip(figure):
    """On track / behind … as a coloured chip."""
    return {"figure": figure}


@register.inclusion_tag("dashboard/_bar.html")
def progress_bar(figure):
    """The progress bar with its expected-by-now mark (widths from static/css/positions.css)."""
    return {"bar": bar(figure, words())}


@register.inclusion_tag("dashboard/_unverified.html")
def unverified_note(figure):
    return {"unverified": unverified(figure, words())}


@register.inclusion_tag("dashboard/_result.html")
def result_cell(figure):
    return {"result": result(figure, words())}


@register.inclusion_tag("dashboard/_band_counts.html")
def band_counts(figure):
    """How many districts are in each band."""
    return {"bands": bands(figure, words())}


@register.inclusion_tag("dashboard/_compliance_link.html")
def compliance_link(figure, counts, keep=""):
    return {"code": figure.target.code, "link": compliance(figure, counts, keep, words())}


@register.simple_tag(takes_context=True)
def overview_rows(context, figures):
    """What each of the overview's rows shows, for one loop in dashboard/overview.html: the same
    pieces as the tags above, as plain values in one dictionary a row (200-odd rows of seven cells:
    every lookup in the template counts)."""
    w = words()
    keep, comparisons, counts = context.get("keep", ""), context.get("comparisons") or {}, context.get("compliance")
    statuses = {choice.value: str(choice.label) for choice in Status}
    units = {}
    rows = []
    for figure in figures:
        target = figure.target
        if target.unit_of_measure not in units:
            units[target.unit_of_measure] = f.display(target, "unit_of_measure")
        comparison = comparisons.get(target.pk)
        shown_bar = bar(figure, w)
        row = {
            "code": target.code, "name": target.name, "child": target.parent_id,
            "url": code_url("dashboard:target", target.code) + keep, **result(figure, w, units[target.unit_of_measure]),
            "percent": f.pct(figure.percent), "trend": None,
            "bar_label": shown_bar["label"], "fill": shown_bar["fill"], "expected": shown_bar["expected"],
            "status": figure.status, "status_label": statuses[figure.status], "bands": None, "compliance": None,
            "last": f.thaidate(figure.last_entered_at) if figure.last_entered_at else None,
        }
        if comparison is not None and comparison.trend:
            shown = trend(comparison, w)
            row.update(trend=shown["direction"], arrow=shown["arrow"], delta=shown["delta"], trend_words=shown["words"])
        if target.districts_carry:
            row["bands"] = bands(figure, w)
            if link := compliance(figure, counts, keep, w):
                row.update(compliance=link["url"], compliance_text=link["text"])
        rows.append(row)
    return rows


@register.simple_tag(takes_context=True)
def history_rows(context, history):
    """What each row of the history of results shows (dashboard/_history.html draws them): 50 rows of
    eight cells, their values read here once rather than through a dozen model lookups each."""
    keep = context.get("keep", "")
    rows = []
    for revision in history:
        result = revision.result
        target, unit, by = result.target, result.unit, revision.changed_by
        changed_at = timezone.localtime(revision.changed_at)
        rows.append({
            "pk": revision.pk, "action": revision.action, "datetime": changed_at.isoformat(),
            "when": f"{f.thaidate(changed_at)} {changed_at:%H:%M}", "unit": unit.name,
            "unit_url": code_url("dashboard:district", unit.code) + keep if unit.is_district else None,
            "target": target.name, "target_url": code_url("dashboard:target", target.code) + keep,
            "month": f.thaimonth(result.period), "state": revision.state, "change": revision.action_label,
            "previous": f.num(revision.previous_value, target.decimals) if revision.value_changed else None,
            "value": f.num(revision.value, target.decimals), "level": target.is_level,
            "by": (by.get_full_name() or by.username) if by else None, "reason": revision.comment or "",
        })
    return rows


@register.simple_tag(takes_context=True)
def tile_links(context, tiles):
    """What each of the tile map's 50 squares shows (dashboard/target.html draws them)."""
    keep, zone = context.get("keep", ""), gettext("Z%(n)s")
    links = []
    for tile in tiles:
        figure, unit = tile["unit"], tile["unit"].unit
        links.append({
            "band": figure.band, "edges": tile["edges"], "row": tile["row"], "col": tile["col"],
            "url": code_url("dashboard:district", unit.code) + keep, "title": f"{unit.name}: {f.pct(figure.percent)}",
            "name": unit.short_name, "shown": f"{f.num(figure.percent_display, 0)}%" if figure.percent is not None else "–",
            "zone": zone % {"n": unit.zone.number},
        })
    return links
