"""Small charts drawn on the server as inline SVG, for the brief, its PDF and the presentation.

A PDF made on the server runs no JavaScript, so the brief cannot use the dashboards' Chart.js
charts: these functions draw the same pictures from a ``TargetProgress`` as SVG markup, which
the HTML page and WeasyPrint both show. Pure Python, no JavaScript; every piece of text is
escaped, and each chart carries a ``<title>`` (and ``role="img"``) saying what it shows, so a
screen reader reads it. The colours are those of ``static/css/tracker.css`` (an SVG drawn into a
PDF does not see the page's CSS variables).
"""
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.lib.formatting import num, pct
from tracker.targets.progress import Band, band_text

# The palette of static/css/tracker.css (:root).
COLOURS = {
    "high": "#1f4e79", "middle": "#fdd49e", "low": "#e08214", "none": "#ffffff",
    "high-text": "#ffffff", "middle-text": "#1a1a1a", "low-text": "#1a1a1a", "none-text": "#4a4a4a",
    "trajectory": "#6b6b6b", "ink": "#1a1a1a", "muted": "#555555", "line": "#d0d4d9",
}
FONT = "Sarabun, \"Sarabun Latin\", \"Sarabun Thai\", Tahoma, sans-serif"  # the last two: the PDF's (brief.css)


def _f(value):
    """A coordinate, short: 12.5, 40."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(span, ticks=4):
    """A round step (1, 2 or 5 × 10^n) that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return Decimal(1)
    raw = Decimal(span) / ticks
    power = Decimal(10) ** raw.adjusted()
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _svg(width, height, title, body, css_class, chart_id):
    title_id = f"{chart_id}-title"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(title_id)}" font-family="{escape(FONT)}" data-png-name="{escape(chart_id)}">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _text(x, y, text, size=11, anchor="middle", fill=COLOURS["ink"], weight=None):
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}>'
            f"{escape(text)}</text>")


def month_label(point, language):
    # The month of the date shown is partial: labelled with that day, as the dashboard's chart does.
    if point.partial:
        return f"{point.through.day} {fiscal.format_month_short(point.month, language)}"
    return fiscal.format_month_short(point.month, language)


def trajectory(figure, language, chart_id=None, width=420, height=200):
    """The result to date by month against the straight line to the target value, as SVG.

    Months with no count yet (after the date shown) carry only the straight line. Returns ``""``
    for a figure without months.
    """
    months = figure.months
    if not months:
        return ""
    target = figure.target
    chart_id = chart_id or f"svg-trajectory-{target.code}"
    decimals = target.decimals
    reported = [(i, m.to_date) for i, m in enumerate(months) if m.to_date is not None and m.month <= figure.as_of]
    values = [m.expected for m in months] + [v for _i, v in reported] + [target.target_value]
    top = max(Decimal(v) for v in values if v is not None) or Decimal(1)
    step = _nice_step(top)
    y_max = step * ((top / step).to_integral_value(rounding="ROUND_CEILING"))

    left, right, upper, lower = 52, 10, 10, 46  # room for the y labels, the month labels and the legend
    plot_w, plot_h = width - left - right, height - upper - lower
    slot = plot_w / len(months)

    def x(i):
        return left + slot * (i + 0.5)

    def y(value):
        return upper + plot_h - float(Decimal(value) / y_max) * plot_h

    body = []
    tick = Decimal(0)
    while tick <= y_max:
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y(tick))}" y2="{_f(y(tick))}" '
                    f'stroke="{COLOURS["line"]}" stroke-width="1"/>')
        body.append(_text(left - 5, y(tick) + 4, num(tick, 0 if tick == int(tick) else 2), size=10, anchor="end",
                          fill=COLOURS["muted"]))
        tick += step
    every = 1 if len(months) <= 6 else 2 if len(months) <= 12 else 3  # labels that do not overlap
    for i, point in enumerate(months):
        if i % every == 0:
            body.append(_text(x(i), upper + plot_h + 14, month_label(point, language), size=10, fill=COLOURS["muted"]))

    expected = " ".join(f"{_f(x(i))},{_f(y(m.expected))}" for i, m in enumerate(months) if m.expected is not None)
    body.append(f'<polyline points="{expected}" fill="none" stroke="{COLOURS["trajectory"]}" stroke-width="1.5" '
                f'stroke-dasharray="5 3"/>')
    if reported:
        line = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in reported)
        body.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS["high"]}" stroke-width="2.5" '
                    f'stroke-linejoin="round"/>')
        body.extend(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="2.5" fill="{COLOURS["high"]}"/>' for i, v in reported)

    result_label = _("Level reported") if target.is_level else _("Result to date")
    line_label = _("Straight line to the target")
    legend_y = height - 8
    body.append(f'<line x1="{left}" x2="{left + 18}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
                f'stroke="{COLOURS["high"]}" stroke-width="2.5"/>')
    body.append(_text(left + 22, legend_y, result_label, size=10, anchor="start"))
    middle = left + plot_w / 2
    body.append(f'<line x1="{_f(middle)}" x2="{_f(middle + 18)}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
                f'stroke="{COLOURS["trajectory"]}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    body.append(_text(middle + 22, legend_y, line_label, size=10, anchor="start"))

    unit = "%" if target.is_level else f" {target.get_unit_of_measure_display()}"
    title = _("%(name)s: %(result_label)s by month against the straight line to the target. "
              "%(result)s%(unit)s of %(target)s%(unit)s (%(percent)s), expected by now %(expected)s.") % {
        "name": target.name, "result_label": result_label, "result": num(figure.result, decimals),
        "target": num(target.target_value, decimals), "unit": unit, "percent": pct(figure.percent),
        "expected": pct(figure.expected),
    }
    return _svg(width, height, title, body, "svg-chart svg-trajectory", chart_id)


def band_bar(figure, chart_id=None, width=420, height=34):
    """The districts by band as one stacked bar, each part with its count, as SVG.

    Returns ``""`` when no district carries the target (nothing to count).
    """
    target = figure.target
    counts = [(band, figure.band_counts.get(band.value, 0)) for band in Band]
    total = sum(count for _band, count in counts)
    if not total:
        return ""
    chart_id = chart_id or f"svg-bands-{target.code}"
    body, start = [], 0.0
    bar_h = height - 2
    for band, count in counts:
        if not count:
            continue
        part = width * count / total
        body.append(f'<rect x="{_f(start)}" y="1" width="{_f(part)}" height="{bar_h}" fill="{COLOURS[band.value]}" '
                    f'stroke="{COLOURS["ink"]}" stroke-width="0.75"/>')
        if part >= 16:
            body.append(_text(start + part / 2, 1 + bar_h / 2 + 5, str(count), size=13,
                              fill=COLOURS[f"{band.value}-text"], weight="600"))
        start += part
    title = _("Districts by band: %(counts)s") % {"counts": ", ".join(
        f"{band_text(band, target.band_low, target.band_high)} {count}" for band, count in counts
        if count or band != Band.NONE
    )}
    return _svg(width, height, title, body, "svg-chart svg-bands", chart_id)
