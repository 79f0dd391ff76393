"""Who has reported a month: the districts × the targets they carry, each cell in one state.

The matrix is read as of a day like every figure (``Result.objects.as_of`` and
``Allocation.objects.as_of``), in a constant number of queries whatever the number of districts
or targets: the targets, the districts, the allocations, the results and the OKR bindings, one
query each. A cell is:

* *no allocation* — the district has no allocation of the target, so it has nothing to report;
* *verified* or *submitted* — reported (these two count, as in every figure);
* *returned* — sent back for correction: not reported until submitted again;
* *draft* — saved but not submitted: not reported (a draft counts nowhere);
* *missing* — nothing recorded (or deleted).

Only targets shared out to districts are in the matrix; a target its host reports is followed on
the verification pages. The table of the CSV/XLSX download lives here too: one row per cell, with
fixed keys (``district_code, target_code, month, state``), easy to read back.
"""
import datetime
from dataclasses import dataclass, field

import django_tables2 as tables
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.lib import fiscal
from tracker.okrs.models import Okr
from tracker.org.models import District
from tracker.targets.models import Allocation, ClosedMonth, Result, Target


class Cell(models.TextChoices):
    VERIFIED = "verified", _("Verified by host")
    SUBMITTED = "submitted", _("Submitted, awaiting verification")
    RETURNED = "returned", _("Returned for correction")
    DRAFT = "draft", _("Draft (not reported)")
    MISSING = "missing", _("Not yet reported")
    NO_ALLOCATION = "no_allocation", _("No allocation")

    @property
    def mark(self):
        """A short sign for the matrix cell (its label is said alongside for screen readers)."""
        return MARKS[self]


MARKS = {"verified": "✔", "submitted": "✓", "returned": "↩", "draft": "✎", "missing": "✗", "no_allocation": "·"}


REPORTED = (Cell.VERIFIED, Cell.SUBMITTED)
NOT_REPORTED = (Cell.RETURNED, Cell.DRAFT, Cell.MISSING)
# Each state a result may be in has the cell of its name; a deleted result is missing.
RESULT_CELLS = {state: Cell(state) for state in Result.State if state != Result.State.DELETED}


def default_month(today=None):
    """The month ``/compliance/`` opens: the latest month begun, still open, in a district target's
    period; failing that, last month."""
    current = fiscal.month_start(today or datetime.date.today())
    span = Target.objects.filter(districts_carry=True, start_date__lte=fiscal.month_end(current)).aggregate(
        first=models.Min("start_date"), last=models.Max("deadline"),
    )
    if span["first"] is not None:
        closed = set(ClosedMonth.objects.values_list("period", flat=True))
        month = min(current, fiscal.month_start(span["last"]))
        while month >= fiscal.month_start(span["first"]):
            if month not in closed:
                return month
            month = fiscal.add_months(month, -1)
    return fiscal.add_months(current, -1)


@dataclass
class TargetColumn:
    target: Target
    allocated: int = 0  # districts shown with an allocation
    reported: int = 0  # of them, submitted or verified
    unallocated: list = field(default_factory=list)  # districts shown without an allocation
    unbound: list = field(default_factory=list)  # districts with an allocation and no OKR bound to a project

    @property
    def missing(self):
        return self.allocated - self.reported


@dataclass
class DistrictRow:
    unit: District
    cells: list = field(default_factory=list)  # one Cell per column, in the columns' order
    keyed: list = field(default_factory=list)  # the same as (target code, Cell), for the page

    @property
    def carried(self):
        return sum(1 for cell in self.cells if cell != Cell.NO_ALLOCATION)

    @property
    def reported(self):
        return sum(1 for cell in self.cells if cell in REPORTED)

    @property
    def missing(self):
        return self.carried - self.reported


class Matrix:
    """The districts × the district targets active in ``month``, as they stood at the end of ``as_of``.

    ``hosts``: ids of the host bureaus to keep (None: every host); ``zone``: a zone group id to keep.
    """

    def __init__(self, month, as_of, hosts=None, zone=None):
        self.month, self.as_of = month, as_of
        targets = Target.objects.for_pages().active_in(month).filter(districts_carry=True)
        if hosts is not None:
            targets = targets.filter(host__in=hosts)
        districts = District.objects.select_related("zone").order_by("code")
        if zone is not None:
            districts = districts.filter(zone=zone)
        self.columns = [TargetColumn(t) for t in targets.order_by("host__code", "sort_order", "code")]
        self.rows = [DistrictRow(d) for d in districts]
        if not self.columns or not self.rows:
            return
        ids = [c.target.pk for c in self.columns]
        shown = {r.unit.pk for r in self.rows}
        allocated = {(t, u) for t, u, _v in Allocation.objects.as_of(as_of, targets=ids) if u in shown}
        states = {
            (t, u): state for t, u, state in Result.objects.as_of(as_of)
            .filter(period=month, target__in=ids, unit__kind=District.Kind.DISTRICT)
            .order_by().values_list("target", "unit", "state_then")
        }
        bound = set(
            Okr.objects.with_binding().filter(target__in=ids, unit__kind=District.Kind.DISTRICT, is_bound=True)
            .order_by().values_list("target", "unit")
        )
        for row in self.rows:
            unit = row.unit
            for column in self.columns:
                key = (column.target.pk, unit.pk)
                if key not in allocated:
                    cell = Cell.NO_ALLOCATION
                    column.unallocated.append(unit)
                else:
                    cell = RESULT_CELLS.get(states.get(key), Cell.MISSING)
                    column.allocated += 1
                    column.reported += cell in REPORTED
                    if key not in bound:
                        column.unbound.append(unit)
                row.cells.append(cell)
                row.keyed.append((column.target.code, cell))

    @property
    def allocated(self):
        return sum(c.allocated for c in self.columns)

    @property
    def reported(self):
        return sum(c.reported for c in self.columns)

    def missing_by_unit(self):
        """{district: [(target, cell), …]} for every district with a result not reported."""
        return {
            row.unit: items for row in self.rows
            if (items := [(c.target, cell) for c, cell in zip(self.columns, row.cells) if cell in NOT_REPORTED])
        }

    def long_rows(self):
        """One dict per cell, for the download."""
        month = f"{self.month:%Y-%m}"
        return [
            {"district_code": row.unit.code, "target_code": column.target.code, "month": month, "state": cell.value}
            for row in self.rows for column, cell in zip(self.columns, row.cells)
        ]


class ComplianceExportTable(tables.Table):
    """The matrix in the long format, one row per district and target: raw codes, no HTML."""

    plain_export = True  # rows are dicts of the values themselves (see DataExport)

    district_code = tables.Column()
    target_code = tables.Column()
    month = tables.Column()
    state = tables.Column()

    class Meta:
        orderable = False
