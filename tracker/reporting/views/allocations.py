"""The allocations grid: the host bureau shares a target out to the districts (ค่าเป้าหมายรายเขต).

One row per district in zone order (for a target its host carries: the host and the bureaus
given a share) with its allocation, its result to date, the history of its changes and an input.
``AllocationGrid`` reads all of it in a constant number of queries. Saving writes the changed
cells through :func:`tracker.targets.recording.record_allocations` in one transaction: a bad cell,
or a row someone else changed since the form was opened, keeps everything typed, marks the row
and saves nothing. A cell left as it was shown is not written, so it never undoes someone
else's change made meanwhile.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.lib.formatting import num
from tracker.org.models import District, Unit
from tracker.org.permissions import permissions_for
from tracker.reporting.grid import parse_number
from tracker.targets import progress
from tracker.targets.history import AS_LOADED
from tracker.targets.models import Allocation, Target
from tracker.targets.recording import record_allocations


def stamp(allocation):
    """What the form remembers of an allocation when it is opened: its row and value (blank: none)."""
    return f"{allocation.pk}:{allocation.value}" if allocation is not None else ""


def stamped_value(seen):
    """The value a stamp remembers (None: there was no allocation)."""
    try:
        return Decimal(seen.split(":", 1)[1]) if seen else None
    except (IndexError, ArithmeticError):
        return None


@dataclass
class Change:
    """One history record of an allocation, with the value before it."""

    when: datetime.datetime
    who: object  # a user, or None
    old: Decimal | None
    new: Decimal | None  # None: removed
    as_loaded: bool = False


@dataclass
class Row:
    unit: Unit
    allocation: Allocation | None
    figure: progress.UnitProgress | None = None
    history: list = field(default_factory=list)  # Change, newest first
    seen: str = ""
    typed: str | None = None
    error: str = ""
    conflict: Allocation | None = None
    removed_meanwhile: bool = False
    decimals: int = 0

    @property
    def key(self):
        return self.unit.code

    @property
    def value_text(self):
        """What the box holds: what was typed, else the allocation without thousands separators."""
        if self.typed is not None:
            return self.typed
        return num(self.value, self.decimals).replace(",", "") if self.value is not None else ""

    @property
    def value(self):
        return self.allocation.value if self.allocation is not None else None

    @property
    def latest_change(self):
        return self.history[0] if self.history else None

    @property
    def earlier_changes(self):
        return self.history[1:]


class AllocationGrid:
    """A target's allocations, one row per unit that may carry it, and how to save them."""

    def __init__(self, target, permissions, today=None):
        self.target, self.permissions = target, permissions
        self.today = today or timezone.localdate()
        self.may_write = permissions.may_allocate(target)
        self.figure = None
        self.rows = self._rows()

    def _units(self):
        if self.target.districts_carry:
            return list(District.objects.select_related("zone").order_by("zone__number", "code"))
        # A target its host carries: the host and any bureau given a share of it.
        return list(
            Unit.objects.bureaus().filter(Q(pk=self.target.host_id) | Q(allocations__target=self.target))
            .distinct().order_by("code")
        )

    def _rows(self):
        allocations = {a.unit_id: a for a in Allocation.objects.filter(target=self.target).order_by()}
        return [
            Row(unit=unit, allocation=allocations.get(unit.pk), seen=stamp(allocations.get(unit.pk)), decimals=self.target.decimals)
            for unit in self._units()
        ]

    def add_figures_and_history(self):
        """What only the page shows (a save that succeeds skips it): results to date and each row's changes."""
        self.figure = progress.compute([self.target], self.today, districts=[row.unit for row in self.rows], monthly=False)[self.target.pk]
        by_unit = {u.unit.pk: u for u in self.figure.units}
        history = self._history()
        for row in self.rows:
            row.figure, row.history = by_unit.get(row.unit.pk), history.get(row.unit.pk, [])

    def _history(self):
        """{unit id: [Change, newest first]} from every history record of the target's allocations (one query)."""
        records = (
            Allocation.history.model.objects.filter(target=self.target).select_related("history_user")
            .order_by("unit", "history_date", "history_id")
        )
        changes, previous = {}, {}
        for record in records:
            new = None if record.history_type == "-" else record.value
            changes.setdefault(record.unit_id, []).append(Change(
                when=record.history_date, who=record.history_user, old=previous.get(record.unit_id), new=new,
                as_loaded=record.history_change_reason == AS_LOADED,
            ))
            previous[record.unit_id] = new
        return {unit: list(reversed(found)) for unit, found in changes.items()}

    # Figures of the footer ------------------------------------------------------------------

    @property
    def sums_up(self):
        """Only a cumulative target's allocations add up to its value; a level is reached in each district."""
        return not self.target.is_level

    def shown_values(self):
        """The values the boxes hold: what was typed (when it reads as a number), else the allocation."""
        values = []
        for row in self.rows:
            if row.typed is None:
                values.append(row.value)
                continue
            try:
                values.append(parse_number(row.typed))
            except ValidationError:
                values.append(None)
        return values

    @property
    def total(self):
        return sum((v for v in self.shown_values() if v is not None), Decimal(0))

    @property
    def difference(self):
        """The total less the target value: below zero, short of it."""
        return self.total - self.target.target_value

    @property
    def allocated_units(self):
        return sum(1 for v in self.shown_values() if v is not None)

    @property
    def mismatch(self):
        return mismatch_message(self.target, self.total) if self.sums_up else ""

    @property
    def has_errors(self):
        return any(row.error for row in self.rows)

    # Saving ----------------------------------------------------------------------------------

    def save(self, data, by):
        """Write the changed cells; the number written, or None (nothing saved) when a row is marked."""
        with transaction.atomic():
            # Lock the target, as record_allocations does: the rows read next cannot change under us.
            list(Target.objects.select_for_update().filter(pk=self.target.pk).order_by().values_list("pk"))
            current = {a.unit_id: a for a in Allocation.objects.select_for_update().filter(target=self.target).order_by()}
            values = {}
            for row in self.rows:
                name = f"value-{row.key}"
                if name not in data:
                    continue  # no box for it in the form that was sent: leave it alone
                row.typed = data.get(name, "").strip()
                row.seen = seen = data.get(f"seen-{row.key}", "")
                try:
                    value = parse_number(row.typed)
                except ValidationError as error:
                    row.error = " ".join(error.messages)
                    continue
                if value == stamped_value(seen):
                    continue  # left as it was shown: not this person's change
                now = current.get(row.unit.pk)
                if stamp(now) != seen and value != (now.value if now else None):
                    row.conflict, row.seen = now, stamp(now)
                    row.removed_meanwhile = now is None
                    row.error = _(
                        "Someone else changed this allocation while you had the form open. "
                        "Check both values and save again."
                    )
                    continue
                if value != (now.value if now else None):
                    values[row.unit] = value
            written = 0
            if values:
                # Even when a cell is already marked: its rules then mark every other bad cell at once.
                try:
                    written = record_allocations(self.target, values, by)
                except ValidationError as error:
                    codes = {row.key: row for row in self.rows}
                    for code, found in error.message_dict.items():
                        if code in codes:
                            codes[code].error = " ".join(found)
            if self.has_errors:
                transaction.set_rollback(True)
                return None
            return written

    def stored_total(self):
        return Allocation.objects.filter(target=self.target).aggregate(total=Sum("value"))["total"] or Decimal(0)


def mismatch_message(target, total):
    """The sentence that says by how much the allocations miss the target value ("" when they match)."""
    difference = total - target.target_value
    if not difference:
        return ""
    figures = {
        "total": num(total, target.decimals),
        "target": num(target.target_value, target.decimals),
        "difference": num(abs(difference), target.decimals),
    }
    if target.districts_carry:
        if difference < 0:
            return _("The districts' allocations add up to %(total)s; the target value is %(target)s: %(difference)s short.") % figures
        return _("The districts' allocations add up to %(total)s; the target value is %(target)s: %(difference)s over.") % figures
    if difference < 0:
        return _("The allocations add up to %(total)s; the target value is %(target)s: %(difference)s short.") % figures
    return _("The allocations add up to %(total)s; the target value is %(target)s: %(difference)s over.") % figures


@login_required
def allocations(request, target_code):
    """The host bureau's verifiers (and the admin) set a target's allocations; coordinators and viewers read them."""
    target = get_object_or_404(Target.objects.for_pages(), code=target_code)
    permissions = permissions_for(request.user)
    # The people who may read the verification of a target may read its allocations too: the host's
    # verifiers, coordinators and viewers.
    permissions.require(permissions.may_see_allocations(target))
    grid = AllocationGrid(target, permissions)
    if request.method == "POST":
        permissions.require(grid.may_write)
        written = grid.save(request.POST, request.user)
        if written is not None:
            if written:
                saved = ngettext("%(n)d allocation saved.", "%(n)d allocations saved.", written) % {"n": written}
                messages.success(request, saved)
            else:
                messages.success(request, _("Nothing has changed since the last save."))
            if grid.sums_up and (mismatch := mismatch_message(target, grid.stored_total())):
                messages.warning(request, mismatch)
            return redirect("reporting:allocations", target_code=target.code)
        messages.error(request, _("Nothing was saved: correct the marked cells and save again. What you typed is kept."))
    grid.add_figures_and_history()
    return render(request, "reporting/allocations.html", {
        "target": target, "grid": grid,
    }, status=400 if grid.has_errors else 200)
