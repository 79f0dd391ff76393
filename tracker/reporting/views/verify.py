"""Verification by the host bureau: the months awaiting it, and one target's month, unit by unit.

The host's verifiers verify the units' submitted results or return them for correction with a
reason. A page is saved whole or not at all, through the recording function: a return without a
reason, or a result the reporter changed after the page was opened, marks its row and saves
nothing, keeping every choice made. Drafts are the reporting unit's own: here they show as "not
reported". The page reads everything in a constant number of queries, whatever the number of units.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.lib import fiscal
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.targets.models import Allocation, ClosedMonth, Result, ResultRevision, Target
from tracker.targets.recording import REVIEWS, authors, record_result, stamp
from tracker.targets.rules import reporting_units

State = Result.State
LEAVE, VERIFY, RETURN = "leave", "verify", "return"
MAKES = {VERIFY: State.VERIFIED, RETURN: State.RETURNED}


@dataclass
class Row:
    unit: Unit
    allocation: Decimal | None
    result: Result | None  # None: not reported (nothing, a draft, or deleted)
    history: list = field(default_factory=list)  # public revisions of the month's result, newest first
    seen: str = ""
    choice: str = LEAVE
    reason: str = ""
    error: str = ""
    conflict: bool = False
    seen_revision: ResultRevision | None = None  # what the page showed, when the reporter changed it since
    own: bool = False  # entered or last changed by the verifier: someone else verifies it

    @property
    def key(self):
        return self.unit.code

    @property
    def state(self):
        return self.result.state if self.result is not None else None

    @property
    def choices(self):
        """What the verifier may do with the result: the recording's state machine, less verifying their own."""
        allowed = REVIEWS.get(self.state, ())
        return tuple(c for c, state in MAKES.items() if state in allowed and not (c == VERIFY and self.own))

    @property
    def last_change(self):
        return self.history[0] if self.history else None

    @property
    def last_changed_by(self):
        user = self.last_change.changed_by if self.last_change else None
        return (user.get_full_name() or user.get_username()) if user else ""

    @property
    def returned_reason(self):
        if self.state == State.RETURNED and self.last_change is not None:
            return self.last_change.comment
        return ""


class VerificationSheet:
    """A target's month as its verifiers see it: one row per unit that may report on it."""

    def __init__(self, target, month, permissions, today=None):
        self.target, self.month, self.permissions = target, month, permissions
        today = today or datetime.date.today()
        self.closed = ClosedMonth.objects.filter(period=month).first()
        self.begun = month <= fiscal.month_start(today)
        self.may_verify = permissions.may_verify(target)
        self.may_write = self.may_verify and not self.closed and self.begun
        self.rows = self._rows()

    def _rows(self):
        target = self.target
        allocations = list(Allocation.objects.filter(target=target).select_related("unit").order_by("unit__code"))
        # The units that may report on the target, its host first when it may.
        allowed = reporting_units(
            target, {a.unit_id for a in allocations}, {a.unit_id for a in allocations if a.unit.is_district},
        )
        units = ([(target.host, None)] if target.host_id in allowed else []) + [
            (a.unit, a.value) for a in allocations if a.unit_id in allowed and a.unit_id != target.host_id
        ]
        self.stored = {r.unit_id: r for r in Result.objects.filter(target=target, period=self.month)}
        # Every result's public history, drafts or not now: a conflict shows what the page showed.
        self.history = history = defaultdict(list)
        for revision in ResultRevision.objects.history_for(target=target, period=self.month, limit=None):
            history[revision.result_id].append(revision)
        user = self.permissions.user
        written = authors(self.stored.values()) if user.is_authenticated else {}
        rows = []
        for unit, allocation in units:
            result = _visible(self.stored.get(unit.pk))
            rows.append(Row(
                unit=unit, allocation=allocation, result=result, history=history.get(result.pk, []) if result else [],
                seen=stamp(result), own=result is not None and user.pk in written.get(result.pk, ()),
            ))
        return rows

    @property
    def has_errors(self):
        return any(row.error for row in self.rows)

    def count(self, state):
        return sum(1 for row in self.rows if row.state == state)

    @property
    def submitted(self):
        return self.count(State.SUBMITTED)

    @property
    def verified(self):
        return self.count(State.VERIFIED)

    @property
    def returned(self):
        return self.count(State.RETURNED)

    @property
    def not_reported(self):
        return sum(1 for row in self.rows if row.result is None)

    def save(self, data, verify_all, by):
        """Write the choices posted; (True, verified, returned) when saved, (False, 0, 0) when a row is marked.

        ``verify_all`` verifies every submitted result left without a choice. A row whose result
        changed since the page was opened (its ``seen`` stamp) is refused when it has a choice, and
        under ``verify_all`` whatever its choice: a verifier verifies only what they have seen.
        """
        for row in self.rows:
            row.choice = data.get(f"action-{row.key}", LEAVE)
            row.reason = data.get(f"reason-{row.key}", "").strip()
            if row.choice not in (LEAVE, VERIFY, RETURN):
                row.choice = LEAVE
        done = {VERIFY: 0, RETURN: 0}
        with transaction.atomic():
            current = {
                r.unit_id: r for r in Result.objects.select_for_update().filter(target=self.target, period=self.month)
            }
            for row in self.rows:
                now = _visible(current.get(row.unit.pk))
                seen = data.get(f"seen-{row.key}", "")
                choice = row.choice
                pending = (now is not None and now.state == State.SUBMITTED and not row.own) or stamp(now) != seen
                if choice == LEAVE and verify_all and pending:
                    choice = VERIFY
                if choice == LEAVE:
                    continue
                if stamp(now) != seen:
                    self._conflict(row, now, seen)
                    continue
                if choice == RETURN and not row.reason:
                    row.error = _("Give the reason for returning, so that the reporter can correct it.")
                    continue
                if now is None:
                    row.error = _("This choice does not apply to a result in this state; choose again.")
                    continue
                try:
                    record_result(
                        target=self.target, unit=row.unit, period=self.month, value=now.value, note=now.note,
                        state=MAKES[choice], comment=row.reason if choice == RETURN else "", by=by, seen=seen,
                        permissions=self.permissions,
                    )
                    done[choice] += 1
                except ValidationError as error:
                    row.error = " ".join(error.messages)
            if self.has_errors:
                transaction.set_rollback(True)
                return False, 0, 0
        return True, done[VERIFY], done[RETURN]

    def _conflict(self, row, now, seen):
        """Mark a row the reporter changed since the page was opened; show it as it is now."""
        row.conflict = True
        stored = self.stored.get(row.unit.pk)
        shown = self.history.get(stored.pk, []) if stored is not None and seen else []
        row.seen_revision = next((r for r in shown if r.changed_at.isoformat() == seen), None)
        row.error = _("The reporter changed this result after you opened the page. Check the values and choose again.")
        # The rows were read in this request, so the row already shows the result as it is now.
        row.result, row.seen = now, stamp(now)
        if row.choice not in row.choices:
            row.choice = LEAVE


def _visible(result):
    """A result as verifiers may see it: drafts are their unit's own, deleted ones are gone."""
    if result is None or result.state in (State.DRAFT, State.DELETED):
        return None
    return result


@login_required
def verify_list(request):
    """The targets a verifier's bureaus host (every target for coordinators), with their open months'
    results awaiting verification and returned."""
    permissions = permissions_for(request.user)
    bureaus = permissions.bureaus_verified()
    permissions.require(permissions.is_coordinator or bool(bureaus))
    targets = Target.objects.for_pages().order_by("host__code", "sort_order", "code")
    if not permissions.is_coordinator:
        targets = targets.filter(host__in=bureaus)
    targets = list(targets)
    current = fiscal.month_start(datetime.date.today())
    closed = set(ClosedMonth.objects.values_list("period", flat=True))
    waiting = (
        Result.objects.filter(target__in=targets, state__in=(State.SUBMITTED, State.RETURNED))
        .exclude(period__in=closed).order_by().values("target", "period")
        .annotate(
            submitted=Count("pk", filter=Q(state=State.SUBMITTED)), returned=Count("pk", filter=Q(state=State.RETURNED))
        )
    )
    # {(target id, month): {"submitted": n, "returned": n}} (a dict's key is taken before its value)
    counts = {(row.pop("target"), row.pop("period")): row for row in waiting}
    groups = []
    for target in targets:
        months = [
            {"month": month, "submitted": 0, "returned": 0, **counts.get((target.pk, month), {})}
            for month in fiscal.months_between(target.start_date, target.deadline)
            if month <= current and month not in closed
        ]
        if months:
            groups.append({"target": target, "months": months})
    return render(request, "reporting/verify_list.html", {
        "groups": groups,
        "awaiting": sum(m["submitted"] for g in groups for m in g["months"]),
        "everything": permissions.is_coordinator,
    })


@login_required
def verify(request, target_code, month):
    target = get_object_or_404(Target.objects.for_pages(), code=target_code)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_see_verification(target))
    if not target.first_period() <= month <= target.last_period():
        raise Http404
    sheet = VerificationSheet(target, month, permissions)
    if request.method == "POST":
        permissions.require(sheet.may_verify)
        if not sheet.may_write:
            refusal = (
                _("%(month)s is closed for reporting: its results can no longer be verified or returned. "
                  "Nothing was saved.")
                if sheet.closed else _("%(month)s has not begun yet: there is nothing to verify. Nothing was saved.")
            )
            messages.error(request, refusal % {"month": fiscal.format_month(month, request.LANGUAGE_CODE)})
            return redirect("reporting:verify", target_code=target.code, month=month)
        saved, verified, returned = sheet.save(request.POST, request.POST.get("action") == "verify_all", request.user)
        if saved:
            done = []
            if verified:
                done.append(ngettext("%(n)d result verified.", "%(n)d results verified.", verified) % {"n": verified})
            if returned:
                done.append(ngettext(
                    "%(n)d result returned for correction.", "%(n)d results returned for correction.", returned,
                ) % {"n": returned})
            if done:
                messages.success(request, " ".join(done))
            else:
                messages.info(request, _("Nothing to save: choose to verify or return a result first."))
            return redirect("reporting:verify", target_code=target.code, month=month)
        messages.error(request, _("Nothing was saved: correct the marked rows and save again. Your choices are kept."))
    months = fiscal.months_between(target.start_date, target.deadline)
    return render(request, "reporting/verify.html", {
        "target": target, "month": month, "sheet": sheet,
        "previous": fiscal.add_months(month, -1) if month > months[0] else None,
        "next": fiscal.add_months(month, 1) if month < months[-1] else None,
    }, status=400 if sheet.has_errors else 200)
