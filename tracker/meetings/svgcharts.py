"""Small charts drawn on the server as inline SVG, for the brief, its PDF and the presentation.

A PDF made on the server runs no JavaScript, so the brief cannot use the dashboards' Chart.js
charts: these functions work out the same pictures from a ``TargetProgress`` — coordinates, labels,
the sentence each chart says — and ``templates/meetings/_trajectory.svg`` and ``_band_bar.svg`` draw
them as SVG markup, which the HTML page and WeasyPrint both show. No JavaScript; each chart carries a
``<title>`` (and ``role="img"``) saying what it shows, so a screen reader reads it. The colours are
those of ``static/css/tracker.css`` (an SVG drawn into a PDF does not see the page's CSS variables).
"""
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.lib.formatting import display, num, pct
from tracker.targets.progress import band_text
from tracker.targets.rules import Band

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

    ticks = []
    tick = Decimal(0)
    while tick <= y_max:
        ticks.append({"y": _f(y(tick)), "label_y": _f(y(tick) + 4), "label": num(tick, 0 if tick == int(tick) else 2)})
        tick += step
    every = 1 if len(months) <= 6 else 2 if len(months) <= 12 else 3  # labels that do not overlap
    labels = [{"x": _f(x(i)), "text": month_label(point, language)} for i, point in enumerate(months) if i % every == 0]

    result_label = _("Level reported") if target.is_level else _("Result to date")
    unit = "%" if target.is_level else f" {display(target, 'unit_of_measure')}"
    title = _("%(name)s: %(result_label)s by month against the straight line to the target. "
              "%(result)s%(unit)s of %(target)s%(unit)s (%(percent)s), expected by now %(expected)s.") % {
        "name": target.name, "result_label": result_label, "result": num(figure.result, decimals),
        "target": num(target.target_value, decimals), "unit": unit, "percent": pct(figure.percent),
        "expected": pct(figure.expected),
    }
    middle, legend_y = left + plot_w / 2, height - 8
    return render_to_string("meetings/_trajectory.svg", {
        **_chart(width, height, title, "svg-chart svg-trajectory", chart_id),
        "left": left, "right_edge": width - right, "ticks": ticks, "tick_x": _f(left - 5),
        "labels": labels, "labels_y": _f(upper + plot_h + 14),
        "expected": " ".join(f"{_f(x(i))},{_f(y(m.expected))}" for i, m in enumerate(months) if m.expected is not None),
        "reported": " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in reported),
        "dots": [(_f(x(i)), _f(y(v))) for i, v in reported],
        "legend": {
            "y": legend_y, "line_y": legend_y - 4, "line_end": left + 18, "text_x": _f(left + 22), "result": result_label,
            "middle": _f(middle), "middle_end": _f(middle + 18), "middle_text_x": _f(middle + 22),
            "straight": _("Straight line to the target"),
        },
    })


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
    parts, start = [], 0.0
    bar_h = height - 2
    for band, count in counts:
        if not count:
            continue
        part = width * count / total
        parts.append({
            "x": _f(start), "width": _f(part), "fill": COLOURS[band.value], "count": count if part >= 16 else None,
            "text_x": _f(start + part / 2), "text_fill": COLOURS[f"{band.value}-text"],
        })
        start += part
    title = _("Districts by band: %(counts)s") % {"counts": ", ".join(
        f"{band_text(band, target.band_low, target.band_high)} {count}" for band, count in counts
        if count or band != Band.NONE
    )}
    return render_to_string("meetings/_band_bar.svg", {
        **_chart(width, height, title, "svg-chart svg-bands", chart_id),
        "parts": parts, "bar_h": bar_h, "text_y": _f(1 + bar_h / 2 + 5),
    })


def _chart(width, height, title, css_class, chart_id):
    """What the ``<svg>`` element of a chart says (templates/meetings/_svg.svg)."""
    return {"width": width, "height": height, "title": title, "css_class": css_class, "chart_id": chart_id,
            "font": FONT, "colours": COLOURS}
