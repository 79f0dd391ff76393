"""The report grid: one unit's month, one row per target it carries, saved whole or not at all.

``ReportGrid`` reads everything a grid shows in a constant number of queries, and ``save``
writes the posted cells through the recording function inside one transaction: a bad cell, or a
cell someone else changed since the form was opened, keeps what was typed, marks that cell, and
saves nothing.
"""
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.lib.formatting import choice_label, display, num, thaidatetime, thaimonth
from tracker.targets import progress
from tracker.targets.models import Allocation, ClosedMonth, Result, ResultRevision, Target
from tracker.targets.recording import Conflict, delete_result, leaves_alone, record_result, stamp

State = Result.State
MONTHS_AT_A_GLANCE = 3
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def parse_number(text):
    """What a person typed, as a Decimal (None when blank): Thai digits, thousands separators and
    spaces are accepted; anything else is a ``ValidationError`` in the reader's language."""
    text = (text or "").translate(THAI_DIGITS).replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text, flags=re.ASCII):
        raise ValidationError(_("Enter the value as a number, e.g. 1,250 or 57.5."))
    return Decimal(text)


@dataclass
class Row:
    """A target's row, with what the page writes in it worked out once (the template only places it)."""

    target: Target
    key: str  # the target's id, in the names of the row's fields
    name: str  # the target's, in the active language
    url: str  # of the target's page
    writable: bool
    allocation_text: str
    to_date_text: str
    result: Result | None
    last_change: ResultRevision | None
    earlier: list = field(default_factory=list)  # {label, text, state, state_label} of each month, oldest first
    typed_value: str | None = None
    typed_note: str | None = None
    seen: str = ""
    error: str = ""
    conflict: Result | None = None

    @property
    def value_name(self):
        return _("Value of %(target)s") % {"target": self.name}

    @property
    def note_name(self):
        return _("Problems and obstacles of %(target)s") % {"target": self.name}

    @property
    def editable(self):
        return self.result is None or self.result.state != State.VERIFIED

    @property
    def value_text(self):
        if self.typed_value is not None:
            return self.typed_value
        if self.result is None or self.result.state == State.DELETED:
            return ""
        return num(self.result.value, self.target.decimals).replace(",", "")

    @property
    def shown_value(self):
        return num(self.result.value if self.result is not None else None, self.target.decimals)

    @property
    def note_text(self):
        if self.typed_note is not None:
            return self.typed_note
        return self.result.note if self.result is not None and self.result.state != State.DELETED else ""

    @property
    def state(self):
        return self.result.state if self.result is not None else None

    @property
    def state_label(self):
        """The result's state in words; empty when there is none to show (not reported, or removed)."""
        if self.result is None or self.result.state == State.DELETED:
            return ""
        return display(self.result, "state")

    @property
    def changed(self):
        """Who changed the result last, and when."""
        if self.last_change is None:
            return ""
        return _("%(who)s, %(when)s") % {
            "who": self.last_change.changed_by.username if self.last_change.changed_by else _("the system"),
            "when": thaidatetime(self.last_change.changed_at),
        }

    @property
    def returned_reason(self):
        if self.result is not None and self.result.state == State.RETURNED and self.last_change is not None:
            return self.last_change.comment
        return ""


class ReportGrid:
    """One unit's month: the rows to show, whether they may be written, and how to save them."""

    def __init__(self, unit, month, permissions, today=None):
        self.unit, self.month, self.permissions = unit, month, permissions
        self.today = today or datetime.date.today()
        self.closed = ClosedMonth.objects.filter(period=month).first()
        self.begun = month <= fiscal.month_start(self.today)
        self.may_write = permissions.may_report(unit) and not self.closed and self.begun
        # Drafts are the reporters' own until they submit: others see the month without them.
        self.sees_drafts = permissions.may_report(unit)
        self.rows = self._rows()

    @property
    def months_at_a_glance(self):
        return [fiscal.add_months(self.month, -n) for n in range(MONTHS_AT_A_GLANCE, 0, -1)]

    def _earlier(self, found, decimals, label):
        """An earlier month's cell: the value as the unit may see it (no draft of others), with its
        state unless verified."""
        if found is None or found[1] == State.DELETED or (found[1] == State.DRAFT and not self.sees_drafts):
            return {"label": label, "text": "–", "state": ""}
        value, state = found
        shown = state != State.VERIFIED
        return {
            "label": label, "text": num(value, decimals), "state": state if shown else "",
            "state_label": choice_label(Result, "state", state) if shown else "",
        }

    def _rows(self):
        # Without the targets' related rows: the grid shows none of them (a join and three instances per row).
        targets = list(Target.objects.carried_by(self.unit, self.month).order_by("host__code", "sort_order", "code"))
        hosts = self.permissions.hosts_seen_in_report(self.unit)
        if hosts is not None:  # a host bureau's verifier: its own targets' rows only
            targets = [target for target in targets if target.host_id in hosts]
        if not targets:
            return []
        ids = [target.pk for target in targets]
        allocations = dict(
            Allocation.objects.filter(unit=self.unit, target__in=ids).order_by().values_list("target", "value")
        )
        in_month = {
            r.target_id: r for r in Result.objects.filter(unit=self.unit, target__in=ids, period=self.month).order_by()
        }
        # The months at a glance need each result's value and state only: no instances.
        glance = [(m, thaimonth(m)) for m in self.months_at_a_glance]
        before = {
            (target, period): (value, state)
            for target, period, value, state in Result.objects.filter(
                unit=self.unit, target__in=ids, period__gte=glance[0][0], period__lt=self.month,
            ).order_by().values_list("target", "period", "value", "state")
        }
        # order_by(): the revisions' default order goes through the results, targets and units, and
        # PostgreSQL would walk every result to meet these few revisions (0.3–0.5 s at city scale).
        latest = ResultRevision.objects.filter(result__in=[r.pk for r in in_month.values()]).order_by().select_related(
            "changed_by"
        ).annotate(
            newest=Window(RowNumber(), partition_by=[F("result")], order_by=[F("changed_at").desc(), F("pk").desc()])
        ).filter(newest=1)
        last_change = {revision.result_id: revision for revision in latest}
        # The unit's own figures only (never every district's): its result to date of each target.
        to_date = progress.unit_to_date(self.unit, targets, self.today)
        rows = []
        for target in targets:
            stored = in_month.get(target.pk)
            shown = stored if stored is None or stored.state != State.DRAFT or self.sees_drafts else None
            row = Row(
                target=target, key=str(target.pk), name=target.name, url=reverse("dashboard:target", args=[target.code]),
                writable=False,
                allocation_text=num(allocations.get(target.pk), target.decimals),
                to_date_text=num(to_date.get(target.pk), target.decimals),
                result=shown,
                last_change=last_change.get(shown.pk) if shown else None,
                earlier=[self._earlier(before.get((target.pk, m)), target.decimals, label) for m, label in glance],
                seen=stamp(stored),
            )
            row.writable = self.may_write and row.editable
            rows.append(row)
        return rows

    @staticmethod
    def _as_it_is(result, value, note, state):
        """Whether the posted cell leaves ``result`` as it is: a blank over no result, or what
        ``record_result`` would leave alone (a grid open for writing shows every stored result)."""
        if value is None:
            return result is None or result.state == State.DELETED
        return leaves_alone(result, value, note, state)

    @property
    def has_errors(self):
        return any(row.error for row in self.rows)

    def save(self, data, action, by):
        """Write the posted cells; True when saved, False (nothing saved) when a cell is marked.

        Each cell goes through the recording function with the stamp the form remembered: a cell
        someone else saved (or first wrote) meanwhile is marked, with their value beside it."""
        state = State.SUBMITTED if action == "submit" else State.DRAFT
        changed = 0
        with transaction.atomic():
            for row in self.rows:
                row.typed_value = data.get(f"value-{row.key}", "")
                row.typed_note = data.get(f"note-{row.key}", "").strip()
                seen = data.get(f"seen-{row.key}", "")
                if not row.editable:
                    continue
                try:
                    value = parse_number(row.typed_value)
                    if seen == row.seen and self._as_it_is(row.result, value, row.typed_note, state):
                        continue  # nothing to write, and nobody wrote it since the form was opened
                    if value is None:
                        stored = Result.objects.filter(target=row.target, unit=self.unit, period=self.month).first()
                        if stored is not None:
                            changed += delete_result(stored, by=by, seen=seen, permissions=self.permissions).updated_at != stored.updated_at
                        continue
                    saved = record_result(
                        target=row.target, unit=self.unit, period=self.month, value=value, note=row.typed_note,
                        state=state, by=by, seen=seen, permissions=self.permissions,
                    )
                    changed += stamp(saved) != seen
                except Conflict as conflict:
                    row.conflict, row.seen, row.error = conflict.current, stamp(conflict.current), conflict.messages[0]
                except ValidationError as error:
                    row.error = " ".join(error.messages)
            if self.has_errors:
                transaction.set_rollback(True)
                return False, 0
        return True, changed
