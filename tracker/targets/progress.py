"""The numbers: progress, bands, status against the trajectory and the forecast, in one place.

Every page, chart, export, brief and test gets its figures from :func:`compute` (and a unit's
month-by-month values from :func:`unit_months`). It reads aggregated rows from the database in
a constant number of queries, however many targets and districts it is asked about, and does
only the presentation arithmetic in Python.

Rules (shown on the pages in ``templates/dashboard/_rules.html``):

* **Which results count.** Submitted and verified results count; drafts, results returned for
  correction and deleted results never do. Figures say how much of them is not yet verified.
  Only units that may report on a target count: the districts with an allocation of a target
  shared out to districts; otherwise the host (or a unit given an allocation).
* **As of a day.** A figure as of a day counts the results recorded by the end of that day,
  each with the value *and state* it had then (from its history): a result corrected, verified,
  returned or deleted later counts as it stood that day. The time of recording is the server's.
  Allocations and the targets' own values (target value, baseline, thresholds, period) too are
  read as they stood that day (from their history).
* **Result to date.** Cumulative targets: the sum of every monthly result up to the date.
  Level targets: each unit's latest report up to the date; the city figure is the mean of the
  units' latest levels (levels are never summed).
* **Percent.** Result ÷ target value × 100, rounded half-up to two decimals for display.
* **Bands, baseline and status**: ``tracker.targets.rules``.
* **Forecast.** Cumulative: the result to date extended at the same daily pace to the deadline.
  Level: the latest level.
* **Months.** Each month shows what was reported for it; a month with no report shows none (never
  0). The month of the date shown is partial: its point is "to date" and the line's value is
  taken at that day, not at the month's end.
"""
import bisect
import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, F, Max, Q, Sum, Window
from django.db.models.functions import FirstValue
from django.utils import timezone
from django.utils.translation import gettext

from tracker.lib import fiscal
from tracker.lib.expressions import among_values
from tracker.lib.formatting import threshold
from tracker.org.models import Unit
from tracker.targets import rules
from tracker.targets.rules import HUNDRED, ZERO, Band, Status, band_for, elapsed_share, expected_percent, percent_of, status_for
from tracker.targets.models import Allocation, Result, Target

LAGGING_SHOWN = 5


def round2(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_text(band, low, high, not_reported=None):
    """A band in words from the target's thresholds: ≥ 100% / 50% – < 100% / < 50%, else "Not reported"."""
    if band in (Band.HIGH, Band.MIDDLE, Band.LOW):
        return _band_range(band, low, high)
    return not_reported or gettext("Not reported")


@functools.lru_cache(maxsize=256)
def _band_range(band, low, high):
    """A band's range (the same in every language), worked out once per process."""
    if band == Band.HIGH:
        return f"≥ {threshold(high)}%"
    if band == Band.MIDDLE:
        return f"{threshold(low)}% – < {threshold(high)}%"
    return f"< {threshold(low)}%"


@dataclass
class UnitProgress:
    unit: Unit
    allocation: Decimal | None
    result: Decimal | None
    percent: Decimal | None
    band: str
    last_period: datetime.date | None = None
    rank: int | None = None
    unverified: Decimal | None = None  # of ``result``: submitted, not yet verified (cumulative)
    latest_verified: bool = True  # level: whether the latest level is verified

    @property
    def percent_display(self):
        return round2(self.percent)


@dataclass
class MonthPoint:
    month: datetime.date
    value: Decimal | None  # done in the month (cumulative) or mean level reported (level); None: no report
    to_date: Decimal | None  # cumulative sum to the month's end (or to ``through``), or the level then
    expected: Decimal  # the straight-line trajectory at ``through``
    through: datetime.date | None = None  # the month's last day, or the date shown in a partial month

    @property
    def partial(self):
        return self.through is not None and self.through < fiscal.month_end(self.month)


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
    baseline: Decimal = Decimal(0)
    unverified: Decimal = Decimal(0)  # cumulative: amount of the result not yet verified
    unverified_units: int = 0  # units whose counted results include some not yet verified
    units: list = field(default_factory=list)
    band_counts: dict = field(default_factory=dict)
    months: list = field(default_factory=list)
    last_entered_at: datetime.datetime | None = None
    last_period: datetime.date | None = None
    children: list = field(default_factory=list)
    ranked: int = 0  # units with a percent, ranked by it

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
    def has_results(self):
        return self.status != Status.NOT_REPORTING

    @property
    def expected_value(self):
        """The straight line's value on the date shown, in the target's unit."""
        return self.expected * self.target.target_value / HUNDRED

    @property
    def districts(self):
        return [u for u in self.units if u.unit.is_district]

    @property
    def lagging(self):
        """The districts furthest behind their allocation, lowest first: what a follow-up meeting
        asks about. At most ``LAGGING_SHOWN``; only districts that have reported."""
        reported = sorted((u for u in self.districts if u.percent is not None), key=lambda u: (u.percent, u.unit.code))
        return reported[:LAGGING_SHOWN]


@dataclass
class Change:
    """One headline figure of a target then and now."""

    before: object
    after: object

    @property
    def delta(self):
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _rank(units, percents):
    """Competition ranking by percent, best first (1, 2, 2, 4 …): one more than the number of
    ``percents`` (every ranked unit's, in ascending order) above the unit's; none without a percent."""
    for unit in units:
        if unit.percent is not None:
            unit.rank = len(percents) - bisect.bisect_right(percents, unit.percent) + 1


def counted_results(as_of):
    """The results that count in figures as of ``as_of``, each with ``value_then`` and ``state_then``."""
    # order_by() drops the models' default ordering, which would join the units table to sort.
    return Result.objects.as_of(as_of).counted().order_by()


def _counted_of(day, targets):
    return counted_results(day).filter(among_values("target", targets))


def _per_unit(day, targets):
    """Each unit's total of each target, its unverified part, last period and last time entered."""
    return _counted_of(day, targets).values("target", "unit").annotate(
        total=Sum("value_then"), unverified=Sum("value_then", filter=Q(state_then=Result.State.SUBMITTED)),
        last_period=Max("period"), last_entered=Max("entered_at"),
    ).values_list("target", "unit", "total", "unverified", "last_period", "last_entered")


def _levels(day, targets):
    """Each unit's first and latest level (and the latest one's state) of each level target, with
    its last period and last time entered (``_per_unit``'s, which level targets are left out of).

    The latest level is the unit's row of its last period (one result per unit and month); the
    first is carried to it by a running window in the order of the counting index (no sort), and
    the last period and time are the whole partition's maxima, worked out once per unit."""
    unit_months_in_order = {"partition_by": [F("target"), F("unit")], "order_by": [F("period").asc()]}
    whole_unit = {"partition_by": [F("target"), F("unit")]}
    return (
        _counted_of(day, targets)
        .annotate(
            first_value=Window(FirstValue("value_then"), **unit_months_in_order),
            last_period=Window(Max("period"), **whole_unit),
            last_entered=Window(Max("entered_at"), **whole_unit),
        )
        .filter(period=F("last_period"))
        .values_list("target", "unit", "first_value", "value_then", "state_then", "last_period", "last_entered")
    )


def _monthly(day, targets):
    """Each target's total and mean of each month."""
    return (
        _counted_of(day, targets).values("target", "period")
        .annotate(total=Sum("value_then"), mean=Avg("value_then")).values_list("target", "period", "total", "mean")
    )


def _allocations(targets):
    return Allocation.objects.filter(among_values("target", targets)).order_by().values_list("target", "unit", "value")


def compute(targets, as_of, districts=None, monthly=True, unit_rows=True):
    """Progress of every target in ``targets`` as of the date ``as_of``: {target.pk: TargetProgress}.

    Five queries whatever the number of targets: result totals per unit, first and latest levels
    per unit, allocations, monthly totals, and the units themselves (``districts`` may be passed
    in to save that one); a sixth for a past day reads the targets' values as they stood then
    (``TargetProgress.target`` is then the target as of that day). Pages that draw no monthly
    series pass ``monthly=False`` to skip that query; their figures then have empty ``months``.
    Pages that show only each target's totals, status and band counts pass ``unit_rows=False``: the
    figures are the same, without their per-unit rows (``units`` empty); a page of one unit passes
    its id, and gets that unit's row alone, ranked among all (``ranked`` says among how many).
    """
    targets = list(targets)
    if not targets:
        return {}
    past = as_of < timezone.localdate()
    if past:
        targets = Target.objects.as_they_stood(targets, as_of)
    ids = [t.pk for t in targets]
    level_ids = [t.pk for t in targets if t.is_level]
    cumulative_ids = [t.pk for t in targets if not t.is_level]

    by_month = defaultdict(dict)
    if monthly:
        for target_id, period, total, mean in _monthly(as_of, ids):
            by_month[target_id][period] = {"total": total, "mean": mean}

    # {target: {unit: (total, unverified, last period, last entered)}}: totals of cumulative targets;
    # of level targets (whose levels are never summed) only the last period and time, from _levels.
    per_unit = defaultdict(dict)
    if cumulative_ids:
        for target_id, unit_id, *row in _per_unit(as_of, cumulative_ids):
            per_unit[target_id][unit_id] = row
    latest, first = {}, {}
    if level_ids:
        for target_id, unit_id, first_value, latest_value, latest_state, last_period, last_entered in _levels(as_of, level_ids):
            latest[target_id, unit_id] = (latest_value, latest_state == Result.State.VERIFIED)
            first[target_id, unit_id] = first_value
            per_unit[target_id][unit_id] = (None, None, last_period, last_entered)

    allocations = defaultdict(dict)
    # A past day: each allocation as it stood then, from its history.
    rows = Allocation.objects.as_of(as_of, targets=ids) if past else _allocations(ids)
    for target_id, unit_id, value in rows:
        allocations[target_id][unit_id] = value

    reported_unit_ids = {u for rows in per_unit.values() for u in rows} | {u for a in allocations.values() for u in a}
    if districts is None:
        units = Unit.objects.select_related("zone").filter(Q(kind=Unit.Kind.DISTRICT) | Q(pk__in=reported_unit_ids))
    else:
        known = {d.pk for d in districts}
        extra = reported_unit_ids - known
        units = list(districts) + (list(Unit.objects.select_related("zone").filter(pk__in=extra)) if extra else [])
    units = {u.pk: u for u in units}

    district_ids = frozenset(pk for pk, unit in units.items() if unit.is_district)
    progress = {
        target.pk: _target_progress(
            target, as_of, units, per_unit[target.pk], latest, first, allocations[target.pk],
            by_month[target.pk] if monthly else None, district_ids, units_wanted=unit_rows,
        )
        for target in targets
    }
    for target in targets:
        if target.parent_id in progress:
            progress[target.parent_id].children.append(progress[target.pk])
    return progress


def _target_progress(target, as_of, units, per_unit, latest, first, allocations, monthly, district_ids, units_wanted=True):
    """One target's progress; ``per_unit`` holds this target's aggregate row of each unit
    (total, unverified part, last period, last entered); ``district_ids``: the districts among
    ``units``; ``units_wanted``: which per-unit rows to keep (see ``compute``'s ``unit_rows``)."""
    level = target.is_level
    # Results from units that may not report on the target (written around the rules) never count.
    allowed = rules.reporting_units(target, allocations, district_ids)
    per_unit = {u: row for u, row in per_unit.items() if u in allowed}
    unit_ids = set(allocations) | set(per_unit)
    if target.districts_carry:
        unit_ids |= district_ids

    # The loop below runs for every unit of every target (10,000 times for the overview at city
    # scale): it reads each unit once and keeps its sums as it goes.
    band_low, band_high, target_value, target_pk = target.band_low, target.band_high, target.target_value, target.pk
    # Band counts: of the districts, for a target shared out to them; otherwise of every unit.
    counts = {band.value: 0 for band in Band}
    counts_every_unit = not target.districts_carry
    rows, percents = [], []
    keep = (lambda unit_id: True) if units_wanted is True else (lambda unit_id: unit_id == units_wanted)
    reported = []  # each counted unit's result (level: its latest level)
    unverified_total, unverified_units = ZERO, 0
    not_reported = Band.NONE.value
    for unit_id in unit_ids:
        row = per_unit.get(unit_id)
        allocation = allocations.get(unit_id)
        if row is None:  # nothing counted yet
            if counts_every_unit or unit_id in district_ids:
                counts[not_reported] += 1
            if units_wanted and keep(unit_id):
                rows.append(UnitProgress(units[unit_id], allocation, None, None, Band.NONE))
            continue
        if level:
            value, latest_verified = latest[target_pk, unit_id]
            unverified = None
            goal = target_value if allocation is None else allocation
        else:
            value, unverified, latest_verified = row[0], row[1] or ZERO, True
            goal = allocation
        reported.append(value)
        pct = percent_of(value, goal)
        band = band_for(pct, band_low, band_high)
        if not latest_verified:
            unverified_units += 1
        if unverified:
            unverified_total += unverified
            unverified_units += 1
        if counts_every_unit or unit_id in district_ids:
            counts[band] += 1
        if pct is not None:
            percents.append(pct)
        if units_wanted and keep(unit_id):
            rows.append(UnitProgress(units[unit_id], allocation, value, pct, band, row[2], None, unverified, latest_verified))
    rows.sort(key=lambda u: u.unit.code)
    percents.sort()
    _rank(rows, percents)
    # The units' first levels are read only where they make the baseline (a level target without one entered).
    first_levels = [first[target_pk, u] for u in per_unit if (target_pk, u) in first] if level and target.baseline is None else []
    return _figure(
        target, as_of, reported=len(reported), result_sum=sum(reported, ZERO), unverified=unverified_total,
        unverified_units=unverified_units, first_sum=sum(first_levels, ZERO), first_count=len(first_levels),
        allocated=sum(allocations.values(), ZERO) if allocations else None, counts=counts, units=rows,
        last_entered_at=max((row[3] for row in per_unit.values()), default=None),
        last_period=max((row[2] for row in per_unit.values()), default=None), monthly=monthly, ranked=len(percents),
    )


def _figure(target, as_of, reported, result_sum, unverified, unverified_units, first_sum, first_count, allocated,
            counts, units, last_entered_at, last_period, monthly, ranked=0):
    """A target's ``TargetProgress`` from the sums over its counted units (``reported`` of them: their
    results' or latest levels' sum, the unverified part, their first levels' sum where they make
    the baseline), summed by ``_target_progress``."""
    level = target.is_level
    if level:
        # The city's level is the mean of the units' latest levels (levels are never summed).
        result = result_sum / reported if reported else ZERO
        unverified = ZERO
    else:
        result = result_sum
    baseline = rules.baseline(target, first_sum, first_count)
    baseline_percent = percent_of(baseline, target.target_value)
    pct = percent_of(result, target.target_value)
    return TargetProgress(
        target=target,
        as_of=as_of,
        result=result,
        percent=pct,
        expected=expected_percent(target.start_date, target.deadline, as_of, baseline_percent),
        status=status_for(pct, target.start_date, target.deadline, as_of, baseline_percent, reported=bool(reported)),
        forecast=_forecast(target, result, as_of, bool(reported)),
        allocated=allocated,
        baseline=baseline,
        unverified=unverified,
        unverified_units=unverified_units,
        units=units,
        band_counts=counts,
        months=_months(target, as_of, monthly, baseline) if monthly is not None else [],
        last_entered_at=last_entered_at,
        last_period=last_period,
        ranked=ranked,
    )


def _forecast(target, result, as_of, has_data):
    if not has_data:
        return None
    if target.is_level or as_of >= target.deadline:
        return result
    share = elapsed_share(target.start_date, target.deadline, as_of)
    return result / share if share else None


def _months(target, as_of, monthly, baseline):
    """One point per month from the start to the deadline; values only up to ``as_of``.

    The month of ``as_of`` is partial: its point runs to ``as_of``, and so does the line.
    """
    points = []
    running = Decimal(0)
    for month in fiscal.months_between(target.start_date, target.deadline):
        through = fiscal.month_end(month)
        if month <= as_of < through:
            through = as_of
        expected = baseline + (target.target_value - baseline) * elapsed_share(target.start_date, target.deadline, through)
        if month > as_of:
            points.append(MonthPoint(month, None, None, expected))
            continue
        row = monthly.get(month)
        if target.is_level:
            value = row["mean"] if row else None
            to_date = value if value is not None else (points[-1].to_date if points else None)
        else:
            value = row["total"] if row else None
            running += value or 0
            # Before the first report there is no result to date, not a result of zero.
            to_date = running if value is not None or (points and points[-1].to_date is not None) else None
        points.append(MonthPoint(month, value, to_date, expected, through))
    return points


def unit_to_date(unit, targets, as_of):
    """``unit``'s own result to date of each of ``targets`` it reports on, as of ``as_of``, by the
    rules of :func:`compute` (cumulative: the sum of its months; level: its latest level), read for
    that unit alone: {target id: value}; a target it has no counted result of is absent."""
    found = {}
    cumulative = [t.pk for t in targets if not t.is_level]
    levels = [t.pk for t in targets if t.is_level]
    if cumulative:
        for target_id, _unit, total, *_rest in _per_unit(as_of, cumulative).filter(unit=unit):
            found[target_id] = total
    if levels:
        for target_id, _unit, _first, latest, *_rest in _levels(as_of, levels).filter(unit=unit):
            found[target_id] = latest
    return found


def unit_months(unit, targets, as_of):
    """What ``unit`` reported for each of ``targets`` in each month, as of ``as_of``: {(target id, month): value}.

    Counted results only, by the same rules as :func:`compute`; a month with no report is absent.
    """
    rows = counted_results(as_of).filter(unit=unit, target__in=targets).values_list("target", "period", "value_then")
    return {(target_id, period): value for target_id, period, value in rows}
