"""The numbers: progress, bands, status against the trajectory and the forecast, in one place.

Every page, chart, export, brief and test gets its figures from :func:`compute`. It reads
aggregated rows from the database in a constant number of queries, however many targets and
districts it is asked about, and does only the presentation arithmetic in Python.

Rules (shown on the pages in ``templates/dashboard/_rules.html``):

* **Result to date.** Cumulative targets: the sum of every monthly result up to the date.
  Level targets: each unit's latest report up to the date; the city figure is the mean of the
  units' latest levels (levels are never summed). "Up to the date" means entered by the end of
  that day, with the value it had then: a result corrected afterwards counts with its old value.
* **Percent.** Result ÷ target value × 100, rounded half-up to two decimals for display.
* **Bands.** A unit's result ÷ its allocation: at or above the target's upper threshold is
  ``high``; at or above the lower threshold is ``middle``; below is ``low``; a unit with an
  allocation and no report yet is ``none``. Level targets with no allocation use the target value.
* **Status.** The straight line from the start (0 %) to the deadline (100 %) gives the expected
  percent on a date. At or above 100 %: *achieved*. After the deadline and below 100 %:
  *missed*. Otherwise at or above the line: *on track*; within a quarter of the line (at or
  above 75 % of the expected percent): *at risk*; below that: *off track*.
* **Forecast.** Cumulative: the result to date extended at the same daily pace to the deadline.
  Level: the latest level.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, F, Max, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.lib import fiscal
from tracker.org.models import Unit
from tracker.targets.models import Allocation, Result

HUNDRED = Decimal(100)
AT_RISK_SHARE = Decimal("0.75")
LAGGING_SHOWN = 5


class Band(models.TextChoices):
    HIGH = "high", _("At or above the upper threshold")
    MIDDLE = "middle", _("Between the thresholds")
    LOW = "low", _("Below the lower threshold")
    NONE = "none", _("Not reported")


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    MISSED = "missed", _("Missed")


def percent_of(value, goal):
    """``value`` as a percent of ``goal``, unrounded; None when there is no goal."""
    if value is None or not goal:
        return None
    return Decimal(value) * HUNDRED / Decimal(goal)


def round2(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_for(percent, band_low, band_high):
    if percent is None:
        return Band.NONE
    if percent >= band_high:
        return Band.HIGH
    if percent >= band_low:
        return Band.MIDDLE
    return Band.LOW


def elapsed_share(start, deadline, day):
    """How much of the period from ``start`` to ``deadline`` (both inclusive) has passed by the end of ``day``."""
    total = (deadline - start).days + 1
    done = (min(max(day, start - datetime.timedelta(days=1)), deadline) - start).days + 1
    return Decimal(done) / Decimal(total)


def expected_percent(start, deadline, day):
    return elapsed_share(start, deadline, day) * HUNDRED


def status_for(percent, start, deadline, day):
    """The one status rule (see the module docstring)."""
    percent = percent or Decimal(0)
    if percent >= HUNDRED:
        return Status.ACHIEVED
    if day > deadline:
        return Status.MISSED
    expected = expected_percent(start, deadline, day)
    if percent >= expected:
        return Status.ON_TRACK
    if percent >= expected * AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.OFF_TRACK


@dataclass
class UnitProgress:
    unit: Unit
    allocation: Decimal | None
    result: Decimal | None
    percent: Decimal | None
    band: str
    last_period: datetime.date | None = None
    rank: int | None = None

    @property
    def percent_display(self):
        return round2(self.percent)


@dataclass
class MonthPoint:
    month: datetime.date
    value: Decimal | None  # done in the month (cumulative) or mean level reported (level)
    to_date: Decimal | None  # cumulative sum to the month's end, or the city level then
    expected: Decimal  # the straight-line trajectory at the month's end


@dataclass
class TargetProgress:
    target: object
    as_of: datetime.date
    result: Decimal
    percent: Decimal
    expected: Decimal
    status: str
    forecast: Decimal | None
    allocated: Decimal | None
    units: list = field(default_factory=list)
    band_counts: dict = field(default_factory=dict)
    months: list = field(default_factory=list)
    last_entered_at: datetime.datetime | None = None
    last_period: datetime.date | None = None
    children: list = field(default_factory=list)

    @property
    def percent_display(self):
        return round2(self.percent)

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def expected_display(self):
        return round2(self.expected)

    @property
    def forecast_percent(self):
        return round2(percent_of(self.forecast, self.target.target_value))

    @property
    def reporting_units(self):
        return sum(1 for u in self.units if u.result is not None)

    @property
    def districts(self):
        return [u for u in self.units if u.unit.is_district]

    @property
    def lagging(self):
        """The districts furthest behind their allocation, lowest first: what a follow-up meeting
        asks about. At most ``LAGGING_SHOWN``; only districts that have reported."""
        reported = sorted((u for u in self.districts if u.percent is not None), key=lambda u: (u.percent, u.unit.code))
        return reported[:LAGGING_SHOWN]


def _rank(units):
    """Competition ranking by percent, best first (1, 2, 2, 4 …); units without a percent get none."""
    ranked = sorted((u for u in units if u.percent is not None), key=lambda u: u.percent, reverse=True)
    previous, previous_rank = None, 0
    for position, unit in enumerate(ranked, start=1):
        if unit.percent != previous:
            previous, previous_rank = unit.percent, position
        unit.rank = previous_rank


def compute(targets, as_of, districts=None, monthly=True):
    """Progress of every target in ``targets`` as of the date ``as_of``: {target.pk: TargetProgress}.

    Five queries whatever the number of targets: result totals per unit, latest levels per
    unit, allocations, monthly totals, and the units themselves (``districts`` may be passed in
    to save that one). Pages that draw no monthly series pass ``monthly=False`` to skip that
    query; their figures then have empty ``months``.
    """
    targets = list(targets)
    if not targets:
        return {}
    ids = [t.pk for t in targets]
    level_ids = [t.pk for t in targets if t.is_level]
    # order_by() drops the models' default ordering, which would join the units table to sort.
    results = Result.objects.as_of(as_of).filter(target__in=ids).order_by()

    per_unit = defaultdict(dict)  # {target: {unit: row}}
    for row in results.values("target", "unit").annotate(
        total=Sum("value_then"), last_period=Max("period"), last_entered=Max("entered_at")
    ):
        per_unit[row["target"]][row["unit"]] = row
    latest = {}
    if level_ids:
        window = (
            results.filter(target__in=level_ids)
            .annotate(row=Window(RowNumber(), partition_by=[F("target"), F("unit")], order_by=F("period").desc()))
            .filter(row=1)
            .values_list("target", "unit", "value_then")
        )
        latest = {(t, u): v for t, u, v in window}

    allocations = defaultdict(dict)
    for target_id, unit_id, value in Allocation.objects.filter(target__in=ids).order_by().values_list("target", "unit", "value"):
        allocations[target_id][unit_id] = value

    by_month = defaultdict(dict)
    if monthly:
        for row in results.values("target", "period").annotate(total=Sum("value_then"), mean=Avg("value_then")):
            by_month[row["target"]][row["period"]] = row

    reported_unit_ids = {u for rows in per_unit.values() for u in rows} | {u for a in allocations.values() for u in a}
    if districts is None:
        units = Unit.objects.select_related("zone").filter(Q(kind=Unit.Kind.DISTRICT) | Q(pk__in=reported_unit_ids))
    else:
        known = {d.pk for d in districts}
        extra = reported_unit_ids - known
        units = list(districts) + (list(Unit.objects.select_related("zone").filter(pk__in=extra)) if extra else [])
    units = {u.pk: u for u in units}

    progress = {}
    for target in targets:
        progress[target.pk] = _target_progress(
            target, as_of, units, per_unit[target.pk], latest, allocations[target.pk], by_month[target.pk] if monthly else None
        )
    for target in targets:
        if target.parent_id in progress:
            progress[target.parent_id].children.append(progress[target.pk])
    return progress


def _target_progress(target, as_of, units, per_unit, latest, allocations, monthly):
    """One target's progress; ``per_unit`` holds this target's aggregate row of each unit."""
    level = target.is_level
    unit_ids = set(allocations) | set(per_unit)
    if target.districts_carry:
        unit_ids |= {pk for pk, unit in units.items() if unit.is_district}

    rows = []
    for unit_id in unit_ids:
        unit = units[unit_id]
        row = per_unit.get(unit_id)
        value = None
        if row is not None:
            value = latest.get((target.pk, unit_id)) if level else row["total"]
        goal = allocations.get(unit_id)
        if goal is None and level:
            goal = target.target_value
        pct = percent_of(value, goal)
        band = band_for(pct, target.band_low, target.band_high) if value is not None else Band.NONE
        rows.append(UnitProgress(unit, allocations.get(unit_id), value, pct, band, row and row["last_period"]))
    rows.sort(key=lambda u: u.unit.code)
    _rank(rows)

    reported = [u.result for u in rows if u.result is not None]
    if level:
        result = sum(reported) / len(reported) if reported else Decimal(0)
    else:
        result = sum(reported, Decimal(0))
    pct = percent_of(result, target.target_value)
    entered = [row["last_entered"] for row in per_unit.values()]

    counts = {band.value: 0 for band in Band}
    for u in rows:
        if u.unit.is_district or not target.districts_carry:
            counts[u.band] += 1

    return TargetProgress(
        target=target,
        as_of=as_of,
        result=result,
        percent=pct,
        expected=expected_percent(target.start_date, target.deadline, as_of),
        status=status_for(pct, target.start_date, target.deadline, as_of),
        forecast=_forecast(target, result, as_of, bool(reported)),
        allocated=sum(allocations.values(), Decimal(0)) if allocations else None,
        units=rows,
        band_counts=counts,
        months=_months(target, as_of, monthly) if monthly is not None else [],
        last_entered_at=max(entered) if entered else None,
        last_period=max((u.last_period for u in rows if u.last_period), default=None),
    )


def _forecast(target, result, as_of, has_data):
    if not has_data:
        return None
    if target.is_level or as_of >= target.deadline:
        return result
    share = elapsed_share(target.start_date, target.deadline, as_of)
    return result / share if share else None


def _months(target, as_of, monthly):
    """One point per month from the start to the deadline; values only up to ``as_of``."""
    points = []
    running = Decimal(0)
    for month in fiscal.months_between(target.start_date, target.deadline):
        expected = target.target_value * elapsed_share(target.start_date, target.deadline, fiscal.month_end(month))
        if month > as_of:
            points.append(MonthPoint(month, None, None, expected))
            continue
        row = monthly.get(month)
        if target.is_level:
            value = row["mean"] if row else None
            to_date = value if value is not None else (points[-1].to_date if points else None)
        else:
            value = row["total"] if row else Decimal(0)
            running += value
            to_date = running
        points.append(MonthPoint(month, value, to_date, expected))
    return points
