"""Which districts a follow-up meeting asks about: those furthest behind, and those silent.

Figures come from :mod:`tracker.targets.progress`; this module only chooses and orders them,
and reads what the chosen districts reported in their last months in one query.
"""
from dataclasses import dataclass, field

from tracker.lib import fiscal
from tracker.targets import progress
from tracker.targets.rules import Band

LAGGARDS_SHOWN = 10
MONTHS_SHOWN = 3


def _months_reported(day, target, units, months):
    """What ``units`` reported on ``target`` in ``months``, counted as of ``day``: value and note."""
    return (
        progress.counted_results(day)
        .filter(unit__in=units, period__in=months, target=target)
        .values_list("unit", "period", "value_then", "note")
    )



def lagging_tail(figure):
    """How many more districts than the bureau page's "furthest behind" list shows stand at the
    same percent as its last one: (count, percent), or None when no district is left out so."""
    shown = figure.lagging
    if not shown:
        return None
    # Compared as shown (57.05%), so that the sentence never says "more at" a figure that reads differently.
    last = shown[-1].percent_display
    tied = sum(1 for u in figure.districts if u.percent_display == last) - sum(1 for u in shown if u.percent_display == last)
    return (tied, last) if tied else None


@dataclass
class Laggard:
    unit: progress.UnitProgress
    values: list = field(default_factory=list)  # (month, value or None: no report) per month shown
    notes: list = field(default_factory=list)  # (month, note) of the months with a note


@dataclass
class Laggards:
    months: list  # the last months reported, oldest first
    rows: list  # Laggard, worst first
    more: int  # districts below the line not shown
    silent: list  # UnitProgress of districts expected to report that have not


def laggards(figure, shown=LAGGARDS_SHOWN):
    """The districts below the straight line to the target as of ``figure.as_of`` (below plan),
    lowest % first, with their values and notes of the last ``MONTHS_SHOWN`` months reported,
    and the districts with an allocation that have reported nothing. One query."""
    target = figure.target
    expected = figure.expected
    behind = sorted(
        (u for u in figure.districts if u.percent is not None and u.percent < expected),
        key=lambda u: (u.percent, u.unit.code),
    )
    silent = [
        u for u in figure.districts
        if u.result is None and u.band == Band.NONE and (u.allocation is not None or target.is_level)
    ]
    last = figure.last_period or fiscal.month_start(min(figure.as_of, target.deadline))
    first = fiscal.month_start(target.start_date)
    months = [m for m in (fiscal.add_months(last, -i) for i in reversed(range(MONTHS_SHOWN))) if m >= first]
    rows = [Laggard(u) for u in behind[:shown]]
    if rows:
        reported = {
            (unit, period): (value, note)
            for unit, period, value, note in _months_reported(figure.as_of, target.pk, [r.unit.unit.pk for r in rows], months)
        }
        for row in rows:
            mine = [reported.get((row.unit.unit.pk, m), (None, "")) for m in months]
            row.values = [(m, value) for m, (value, _note) in zip(months, mine)]
            row.notes = [(m, note.strip()) for m, (_value, note) in zip(months, mine) if note.strip()]
    return Laggards(months=months, rows=rows, more=max(len(behind) - shown, 0), silent=silent)
