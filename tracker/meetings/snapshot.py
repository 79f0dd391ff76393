"""The figures a meeting saw, kept with it: a target's ``TargetProgress`` frozen to JSON and thawed back.

``freeze`` keeps everything the pages draw from a figure — the target's figure fields as they
stood, result, %, expected, status, forecast, band counts, every unit's row and the monthly
series, sub-targets included — with decimals as strings so nothing is rounded. ``thaw`` rebuilds
a ``TargetProgress`` from it, so the meeting pages, the brief and the charts use the same code
as the dashboards on what the meeting saw, whatever has been entered since.
"""
import copy
import datetime
from decimal import Decimal

from django.utils.dateparse import parse_datetime

from tracker.targets.models import Target
from tracker.targets.progress import MonthPoint, TargetProgress, UnitProgress

VERSION = 1


def _dec(value):
    return None if value is None else str(value)


def _undec(value):
    return None if value is None else Decimal(value)


def _day(value):
    return None if value is None else value.isoformat()


def _unday(value):
    return None if value is None else datetime.date.fromisoformat(value)


def freeze(figure):
    """``figure`` (a ``TargetProgress``) as JSON-safe data."""
    target = figure.target
    return {
        "version": VERSION,
        "target": {name: (_day(v) if isinstance(v, datetime.date) else _dec(v) if isinstance(v, Decimal) else v)
                   for name in Target.FIGURE_FIELDS for v in [getattr(target, name)]},
        "as_of": _day(figure.as_of),
        "result": _dec(figure.result),
        "percent": _dec(figure.percent),
        "expected": _dec(figure.expected),
        "status": figure.status,
        "forecast": _dec(figure.forecast),
        "allocated": _dec(figure.allocated),
        "baseline": _dec(figure.baseline),
        "unverified": _dec(figure.unverified),
        "unverified_units": figure.unverified_units,
        "band_counts": dict(figure.band_counts),
        "last_entered_at": figure.last_entered_at.isoformat() if figure.last_entered_at else None,
        "last_period": _day(figure.last_period),
        "units": [
            {
                "unit": u.unit.code, "allocation": _dec(u.allocation), "result": _dec(u.result), "percent": _dec(u.percent),
                "band": u.band, "last_period": _day(u.last_period), "rank": u.rank, "unverified": _dec(u.unverified),
                "latest_verified": u.latest_verified,
            }
            for u in figure.units
        ],
        "months": [
            {"month": _day(m.month), "value": _dec(m.value), "to_date": _dec(m.to_date), "expected": _dec(m.expected),
             "through": _day(m.through)}
            for m in figure.months
        ],
        "children": [{"code": child.target.code, **freeze(child)} for child in figure.children],
    }


def thaw(data, target, units, children=()):
    """The ``TargetProgress`` kept in ``data``: ``target`` carrying its fields as they stood then,
    ``units`` {code: Unit} for the unit rows, ``children`` the sub-targets' Target objects."""
    target = copy.copy(target)
    for name, value in data["target"].items():
        field = Target._meta.get_field(name)
        if value is not None and field.get_internal_type() == "DateField":
            value = _unday(value)
        elif value is not None and field.get_internal_type() == "DecimalField":
            value = Decimal(value)
        setattr(target, name, value)
    by_code = {child.code: child for child in children}
    return TargetProgress(
        target=target,
        as_of=_unday(data["as_of"]),
        result=_undec(data["result"]),
        percent=_undec(data["percent"]),
        expected=_undec(data["expected"]),
        status=data["status"],
        forecast=_undec(data["forecast"]),
        allocated=_undec(data["allocated"]),
        baseline=_undec(data["baseline"]),
        unverified=_undec(data["unverified"]),
        unverified_units=data["unverified_units"],
        units=[
            UnitProgress(
                unit=units[u["unit"]], allocation=_undec(u["allocation"]), result=_undec(u["result"]),
                percent=_undec(u["percent"]), band=u["band"], last_period=_unday(u["last_period"]), rank=u["rank"],
                unverified=_undec(u["unverified"]), latest_verified=u["latest_verified"],
            )
            for u in data["units"] if u["unit"] in units
        ],
        band_counts=dict(data["band_counts"]),
        months=[
            MonthPoint(_unday(m["month"]), _undec(m["value"]), _undec(m["to_date"]), _undec(m["expected"]), _unday(m["through"]))
            for m in data["months"]
        ],
        last_entered_at=parse_datetime(data["last_entered_at"]) if data["last_entered_at"] else None,
        last_period=_unday(data["last_period"]),
        children=[thaw(child, by_code[child["code"]], units) for child in data["children"] if child["code"] in by_code],
    )


def unit_codes(data):
    """Every unit code a frozen figure names (sub-targets' included)."""
    codes = {u["unit"] for u in data.get("units", [])}
    for child in data.get("children", []):
        codes |= unit_codes(child)
    return codes
