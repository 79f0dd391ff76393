"""Chart data for Chart.js, built from ``TargetProgress`` figures; it reaches JS through ``json_script``."""
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.lib.formatting import display
from tracker.targets.progress import band_text, round2
from tracker.targets.rules import Band


def _float(value, places=2):
    return None if value is None else float(round(value, places))


def target_chart_data(figure, language):
    target = figure.target
    months = figure.months
    reported = [i for i, m in enumerate(months) if m.to_date is not None and m.month <= figure.as_of]
    forecast = [None] * len(months)
    if figure.forecast is not None and reported and not target.is_level and reported[-1] < len(months) - 1:
        forecast[reported[-1]] = _float(months[reported[-1]].to_date)
        forecast[-1] = _float(figure.forecast)
    ranked = sorted(
        (u for u in figure.districts if u.percent is not None),
        key=lambda u: (-u.percent, u.unit.code),
    )
    return {
        "unitLabel": display(target, "unit_of_measure"),
        "decimals": target.decimals,
        "level": target.is_level,
        "months": _month_labels(figure, language),
        "toDate": [_float(m.to_date) if i in reported else None for i, m in enumerate(months)],
        "expected": [_float(m.expected) for m in months],
        "forecast": forecast,
        "targetValue": _float(target.target_value),
        # The district bars' reference lines: the allocation (100%) and the straight line's share by now.
        "expectedPercent": _float(figure.expected),
        "districts": [
            {"label": u.unit.short_name, "percent": _float(round2(u.percent)), "band": u.band} for u in ranked
        ],
        "bands": [
            {"key": band.value, "label": band_text(band, target.band_low, target.band_high), "count": figure.band_counts[band]}
            for band in Band
        ],
        "labels": {
            "toDate": _("Level reported") if target.is_level else _("Result to date"),
            "expected": _("Straight line to the target"),
            "forecast": _("Forecast at this pace"),
            # xgettext:no-python-format
            "percent": _("% of allocation"),
            "districts": _("districts"),
            # xgettext:no-python-format
            "expectedPercent": _("Expected by now (%)"),
        },
    }


def _month_labels(figure, language):
    # The month of the date shown is partial: its point is labelled with that day, not the month.
    return [
        f"{m.through.day} {fiscal.format_month_short(m.month, language)}" if m.partial
        else fiscal.format_month_short(m.month, language)
        for m in figure.months
    ]


def bureau_chart_data(figures, language):
    """One small line per target that has results: result to date against the straight line.

    ``{"targets": {code: {...}}, "labels": {...}}``; a target no one has reported on has no line.
    """
    targets = {}
    for figure in figures:
        if not figure.has_results or not figure.months:
            continue
        reported = [m.to_date is not None and m.month <= figure.as_of for m in figure.months]
        targets[figure.target.code] = {
            "months": _month_labels(figure, language),
            "toDate": [_float(m.to_date) if shown else None for m, shown in zip(figure.months, reported)],
            "expected": [_float(m.expected) for m in figure.months],
            "decimals": figure.target.decimals,
            "level": figure.target.is_level,
        }
    return {
        "targets": targets,
        "labels": {"toDate": _("Result to date"), "levelToDate": _("Level reported"), "expected": _("Straight line to the target")},
    }
