""""Since the last meeting": the earlier day a page compares its figures with, and what changed.

The day is ``?since=YYYY-MM-DD`` (BE years accepted, as for ``?as_of=``), ``?since=none`` for no
comparison, or by default the latest follow-up meeting held *before* the figures' date — the
host bureau's on the bureau and target pages, any bureau's on the overview (one date for every
row, so the overview stays one extra ``compute``; per-host dates would cost a compute per
distinct date). On a meeting day itself that meeting is "now", so the default is the one before.

Both sides of a comparison come from :func:`tracker.targets.progress.compute`; this module only
chooses the day and subtracts the figures as the pages round them, so that "before → now" and
the change shown between them always agree. A page pays a constant number of queries for it:
one or two to find the meeting, one ``compute`` at the earlier day, one for who reported since.
"""
import datetime
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.http import QueryDict

from tracker.dashboard.forms import SinceForm
from tracker.lib import fiscal
from tracker.meetings.models import Meeting
from tracker.targets import progress
from tracker.targets.progress import Change
from tracker.targets.rules import Band
from tracker.web import figures as kept

NONE = "none"
DAYS_AGO = 30
ONE_DAY = datetime.timedelta(days=1)
_UNSET = object()


@dataclass(frozen=True)
class Since:
    """The day compared with: figures as they stood at the end of it."""

    day: datetime.date
    meeting: Meeting | None = None  # the follow-up meeting held that day, if any
    fiscal_start: int | None = None  # the BE fiscal year whose eve this is ("since the start of FY 2567")
    explicit: bool = False  # chosen with ?since=, not the default


@dataclass
class Option:
    """A link of the "compare with" line."""

    kind: str  # "meeting", "days", "fiscal_year", "none"
    query: str
    current: bool
    day: datetime.date | None = None
    meeting: Meeting | None = None


@dataclass
class Choice:
    """What a page compares with (``since``, None for no comparison), the links to choose another
    day, the form for any day, and the query string that carries an explicit choice to other pages."""

    since: Since | None
    options: list
    form: SinceForm
    keep: str = ""  # "since=…" when chosen explicitly (valid), for links to other pages
    days_ago: int = DAYS_AGO


def _query(request, since=None):
    """This page's query string with ``since`` set to ``since`` (None: dropped, i.e. the default)."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ("since", "_export", "page"):
            query.setlist(key, values)
    if since is not None:
        query["since"] = since
    return f"?{query.urlencode()}" if query else "?"


def choose(request, as_of, fiscal_year, host=None, previous=_UNSET):
    """The comparison of a page showing figures as of ``as_of`` for ``fiscal_year`` (BE): a ``Choice``.

    ``host`` narrows the default to that bureau's meetings; ``previous`` (a Meeting or None) is
    the latest meeting before ``as_of`` when the caller already has it, to save its query.
    """
    if previous is _UNSET:
        previous = Meeting.objects.latest_held(as_of - ONE_DAY, host=host)
    raw = request.GET.get("since", "").strip()
    form = SinceForm({"since": "" if raw == NONE else raw} if raw else None, as_of=as_of)
    fy_eve = fiscal.fiscal_year_bounds(fiscal_year)[0] - ONE_DAY if fiscal_year else None
    days_ago = as_of - datetime.timedelta(days=DAYS_AGO)

    since, keep = None, ""
    if raw == NONE:
        keep = f"since={NONE}"
    elif raw and form.is_valid():
        day = form.cleaned_data["since"]
        meeting = previous if previous is not None and previous.date == day else None
        if meeting is None:
            meetings = Meeting.objects.filter(date=day).select_related("host").order_by("pk")
            meeting = (meetings.filter(host=host) if host is not None else meetings).first()
        since = Since(day, meeting, fiscal_year if day == fy_eve else None, explicit=True)
        keep = f"since={day.isoformat()}"
    elif previous is not None:  # no ?since=, or a bad one (the form says why): the default
        since = Since(previous.date, previous)

    current = since.day if since else None
    options = []
    if previous is not None:
        options.append(Option("meeting", _query(request), current == previous.date, previous.date, previous))
    options.append(Option("days", _query(request, days_ago.isoformat()), current == days_ago, days_ago))
    if fy_eve is not None and fy_eve < as_of:
        options.append(Option("fiscal_year", _query(request, fy_eve.isoformat()), current == fy_eve, fy_eve))
    options.append(Option("none", _query(request, NONE if previous is not None else None), since is None))
    return Choice(since, options, form, keep)


@dataclass
class Comparison:
    """One target's figures at the earlier day (``before``) and now (``after``)."""

    since: Since
    before: progress.TargetProgress
    after: progress.TargetProgress
    reported: list  # UnitProgress (now) of the units with a counted result entered since

    @property
    def target(self):
        return self.after.target

    @property
    def result(self):
        """The result before and now, as the pages round it (the target's decimals)."""
        places = Decimal(1).scaleb(-self.target.decimals)
        before, after = (
            None if value is None else Decimal(value).quantize(places, rounding=ROUND_HALF_UP)
            for value in (self.before.result, self.after.result)
        )
        return Change(before, after)

    @functools.cached_property
    def percent(self):
        # Read three times a row on the overview (the trend, its size, its words): worked out once.
        return Change(self.before.percent_display, self.after.percent_display)

    @property
    def expected(self):
        return Change(self.before.expected_display, self.after.expected_display)

    @property
    def status_changed(self):
        return self.before.status != self.after.status

    @property
    def bands(self):
        """[(band, +n or −n)] of the districts' bands that gained or lost districts (not "not reported")."""
        if not self.target.districts_carry:
            return []
        moves = [
            (band, self.after.band_counts.get(band.value, 0) - self.before.band_counts.get(band.value, 0))
            for band in Band if band != Band.NONE
        ]
        return [(band, moved) for band, moved in moves if moved]

    @property
    def may_report(self):
        """How many districts may report on the target (those with an allocation)."""
        return sum(1 for u in self.after.districts if u.allocation is not None)

    @property
    def trend(self):
        """"up", "down" or "flat": the change of % of target as shown; None when there is no percent."""
        delta = self.percent.delta
        if delta is None:
            return None
        return "up" if delta > 0 else "down" if delta < 0 else "flat"


def reported_since(targets, since, as_of):
    """{target id: {unit id}} of the units with a result entered after the end of ``since`` that
    counts as of ``as_of``. One query."""
    found = {}
    rows = (
        progress.counted_results(as_of).filter(target__in=[t.pk for t in targets], entered_at__gte=fiscal.end_of_day(since))
        .values_list("target", "unit").distinct()
    )
    for target_id, unit_id in rows:
        found.setdefault(target_id, set()).add(unit_id)
    return found


def compare(targets, figures, since, as_of, districts=None, who=True):
    """{target id: Comparison} of ``figures`` ({target id: TargetProgress} as of ``as_of``) with the
    same ``targets`` as of ``since.day``. One ``compute`` (without monthly series), and one query
    for the units that reported since unless ``who`` is false (the overview needs only %)."""
    if since is None or not targets:
        return {}
    # Only the earlier day's totals, status and band counts are compared: no per-unit rows.
    before = kept.figures(targets, since.day, districts=districts, monthly=False, unit_rows=False)
    reported = reported_since(targets, since.day, as_of) if who else {}
    comparisons = {}
    for target in targets:
        after = figures.get(target.pk)
        if after is None or target.pk not in before:
            continue
        units = reported.get(target.pk, set())
        comparisons[target.pk] = Comparison(
            since, before[target.pk], after, [u for u in after.units if u.unit.pk in units and u.result is not None],
        )
    return comparisons
