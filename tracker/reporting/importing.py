"""Importing monthly results from a CSV or XLSX file (นำเข้าข้อมูล): read, check, then commit.

The file has one row per result and these columns (header matching ignores case, spaces, ``_``
and ``-``; the Thai headers are accepted too; other columns are ignored):

=================  ==========================================  =====================================
column             Thai header accepted                        what it holds
=================  ==========================================  =====================================
``target_code``    รหัสเป้าหมาย                                  the target's code, e.g. ENV-TREES
``district_code``  รหัสเขต, รหัสหน่วยงาน                          the district's code (1001–1050), or a
                                                               bureau's; blank: the target's host
``month``          เดือน                                         ``2024-06``, ``2567-06`` (BE), or a
                                                               date in the month (``2024-06-01``)
``value``          ค่า, ผลการดำเนินงาน, ผลการดำเนินงานรายเดือน       the month's value (Thai digits and
                                                               thousands separators accepted)
``note``           หมายเหตุ, ปัญหาและอุปสรรค                       optional; without the column, a stored
                                                               note is kept
=================  ==========================================  =====================================

The per-district export of the target page is *not* this format: its ``result`` is the result
to date, not a month's value, so ``result`` is deliberately not accepted as the value column.

A value replaces the month's value and is recorded as submitted. ``check`` turns the rows into a
plan (each row new, changed, unchanged or an error naming its row, column and reason, in the
reader's language) reading targets, units, allocations, closed months and stored results in a
constant number of queries; ``commit`` writes the plan all or nothing through
:func:`tracker.targets.recording.record_results`. Importing the same file twice leaves the same
state: rows equal to what is stored write nothing. A result already verified by the host is not
replaced by an import (the host returns it first), as on the report grid.
"""
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.reporting.grid import THAI_DIGITS, parse_number
from tracker.targets.models import Allocation, ClosedMonth, Result, Target
from tracker.targets.recording import record_results, result_errors

State = Result.State
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

COLUMNS = {
    "target_code": ("target_code", "รหัสเป้าหมาย"),
    "district_code": ("district_code", "unit_code", "รหัสเขต", "รหัสหน่วยงาน"),
    "month": ("month", "เดือน"),
    "value": ("value", "ค่า", "ผลการดำเนินงาน", "ผลการดำเนินงานรายเดือน"),
    "note": ("note", "หมายเหตุ", "ปัญหาและอุปสรรค"),
}
REQUIRED = ("target_code", "month", "value")


def _normal(header):
    return re.sub(r"[\s_\-]+", "", str(header or "")).casefold().lstrip("\ufeff")


HEADER_NAMES = {_normal(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


class FileError(ValidationError):
    """The file as a whole cannot be read (its message says why, in the reader's language)."""


@dataclass
class Line:
    """One data row of the file: its row number as a spreadsheet shows it, and its cells by column."""

    number: int
    cells: dict  # column name → text
    errors: list = field(default_factory=list)  # (column label, reason) found while reading


@dataclass
class Table:
    lines: list
    labels: dict  # column name → how the file names it (for messages)
    has_note: bool


# Reading ---------------------------------------------------------------------------------------

def read(data, filename=""):
    """The rows of an uploaded file (bytes): XLSX when it is one, CSV otherwise. Raises ``FileError``."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(_("This is an old Excel file (.xls). Save it as .xlsx or as CSV (UTF-8) and import that."))
    if filename.lower().endswith(".xlsx"):
        raise FileError(_("This file is named .xlsx but is not an Excel workbook. Save it again from Excel as .xlsx or CSV."))
    return _read_csv(data)


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Thai Excel saves "CSV" in the Windows Thai code page (TIS-620 with a few more characters).
        return data.decode("cp874")
    except UnicodeDecodeError:
        raise FileError(_(
            "The file could not be read as text: it is neither UTF-8 nor Thai Windows (TIS-620) text. "
            "Save it as CSV UTF-8 or as .xlsx and import that."
        )) from None


def _read_csv(data):
    text = _decode(data)
    if "\x00" in text:
        raise FileError(_("The file could not be read as text: it is neither UTF-8 nor Thai Windows (TIS-620) text. "
                          "Save it as CSV UTF-8 or as .xlsx and import that."))
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileError(_("The CSV file could not be read: %(reason)s") % {"reason": error}) from None
    return _table([(number, row, {}) for number, row in enumerate(rows, start=1)], lambda index, header: header)


def _read_xlsx(data):
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 — whatever breaks in a damaged workbook, the answer is the same
        raise FileError(_("The Excel file could not be read (%(reason)s). Save it again from Excel as .xlsx or CSV.") % {
            "reason": error.__class__.__name__,
        }) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values, formulas = [], {}
            for index, cell in enumerate(cells):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                    formulas[index] = get_column_letter(index + 1)
                    value = None
                values.append(_cell_text(value))
            rows.append((number, values, formulas))
    except Exception as error:  # noqa: BLE001 — a damaged sheet inside a valid zip
        raise FileError(_("The Excel file could not be read (%(reason)s). Save it again from Excel as .xlsx or CSV.") % {
            "reason": error.__class__.__name__,
        }) from None
    finally:
        workbook.close()
    return _table(rows, lambda index, header: f"{get_column_letter(index + 1)} ({header})")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _table(rows, label_of):
    """Find the header row (the first non-blank one) and map the columns; the rest are data lines."""
    rows = [(n, cells, formulas) for n, cells, formulas in rows if any(str(c).strip() for c in cells) or formulas]
    if not rows:
        raise FileError(_("The file is empty: it has no header row and no results."))
    number, header, _formulas = rows[0]
    positions, labels = {}, {}
    for index, text in enumerate(header):
        column = HEADER_NAMES.get(_normal(text))
        if column is None:
            continue
        if column in positions:
            raise FileError(_("Row %(row)d: two columns are %(column)s; keep one.") % {"row": number, "column": column})
        positions[column], labels[column] = index, label_of(index, str(text).strip())
    missing = [c for c in REQUIRED if c not in positions]
    if missing and "value" in missing and "result" in {_normal(text) for text in header}:
        raise FileError(_(
            "This looks like the per-district export of a target page: its result is the result to date, not a "
            "month's value. Import a file with the columns target_code, district_code, month, value and note."
        ))
    if missing:
        raise FileError(_(
            "Row %(row)d: the header lacks the column(s) %(missing)s. The columns are target_code, district_code, "
            "month, value and note (or รหัสเป้าหมาย, รหัสเขต, เดือน, ค่า, หมายเหตุ)."
        ) % {"row": number, "missing": ", ".join(missing)})
    by_index = {index: column for column, index in positions.items()}
    lines = []
    for number, cells, formulas in rows[1:]:
        line = Line(number, {c: (cells[i].strip() if i < len(cells) else "") for c, i in positions.items()})
        for index, letter in formulas.items():
            line.errors.append((letter, _("a formula, not a value — paste values")))
            if index in by_index:
                line.cells[by_index[index]] = ""
        lines.append(line)
    return Table(lines, labels, "note" in positions)


def parse_month(text):
    """``2024-06``, ``2567-06`` (BE) or ``2024-06-01`` as the first day of the month; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", (text or "").translate(THAI_DIGITS).strip())
    if not match:
        raise ValueError
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if year > 2400:
        year = fiscal.to_ce(year)
    return datetime.date(year, month, day).replace(day=1)


# Checking --------------------------------------------------------------------------------------

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


@dataclass
class PlanRow:
    number: int
    status: str = ERROR
    target: Target | None = None
    unit: Unit | None = None
    period: datetime.date | None = None
    value: Decimal | None = None
    note: str = ""
    old_value: Decimal | None = None
    old_state: str | None = None
    errors: list = field(default_factory=list)  # messages naming row, column and reason


@dataclass
class Plan:
    rows: list
    user: object = None

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self):
        return {status: self.count(status) for status in (NEW, CHANGED, UNCHANGED, ERROR)}

    @property
    def errors(self):
        return [row for row in self.rows if row.status == ERROR]

    @property
    def changes(self):
        return [row for row in self.rows if row.status in (NEW, CHANGED)]

    @property
    def ok(self):
        return not self.errors


class Anyone:
    """The permissions of the system user running the command: it may import for any unit."""

    def may_import(self, unit):
        return True


def _message(line_number, label, reason):
    return _("Row %(row)d, column %(column)s: %(reason)s") % {"row": line_number, "column": label, "reason": reason}


def check(table, user, permissions=None, progress=None):
    """The plan of ``table`` (from ``read``) for ``user``: each row new, changed, unchanged or an error.

    Saves nothing. Seven queries whatever the number of rows. ``progress(n)`` is told every
    1,000 rows checked.
    """
    permissions = permissions or permissions_for(user)
    labels = table.labels
    label = lambda column: labels.get(column, column)  # noqa: E731
    target_codes = {line.cells["target_code"] for line in table.lines}
    unit_codes = {line.cells.get("district_code", "") for line in table.lines} - {""}
    targets = {t.code: t for t in Target.objects.filter(code__in=target_codes).select_related("host")}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    allocated = set(Allocation.objects.filter(target__in=targets.values()).values_list("target", "unit"))
    closed = set(ClosedMonth.objects.values_list("period", flat=True))
    periods = set()
    for line in table.lines:
        try:
            periods.add(parse_month(line.cells["month"]))
        except ValueError:
            pass
    stored = {
        (r.target_id, r.unit_id, r.period): r
        for r in Result.objects.filter(target__in=targets.values(), period__in=periods).order_by()
    }
    today = timezone.localdate()
    rows, seen = [], {}
    for done, line in enumerate(table.lines, start=1):
        row = PlanRow(line.number)
        rows.append(row)
        row.errors = [_message(line.number, column, reason) for column, reason in line.errors]
        cells = line.cells

        def fail(column, reason):
            row.errors.append(_message(line.number, label(column), reason))

        code = cells["target_code"]
        row.target = targets.get(code)
        if row.target is None:
            fail("target_code", _("no target has the code “%(code)s”.") % {"code": code} if code else _("the target code is missing."))
        unit_code = cells.get("district_code", "")
        if unit_code:
            row.unit = units.get(unit_code)
            if row.unit is None:
                fail("district_code", _("no district office or bureau has the code “%(code)s”.") % {"code": unit_code})
        elif row.target is not None:
            row.unit = row.target.host
        try:
            row.period = parse_month(cells["month"])
        except ValueError:
            fail("month", _("“%(text)s” is not a month; write it as 2024-06 or 2567-06.") % {"text": cells["month"]})
        try:
            row.value = parse_number(cells["value"])
            if row.value is None:
                fail("value", _("the value is missing (a blank does not take a result back; use the report grid)."))
        except ValidationError as error:
            fail("value", " ".join(error.messages))
        row.note = cells.get("note", "")
        if row.unit is not None and not permissions.may_import(row.unit):
            fail("district_code", _("you may not import results for %(unit)s.") % {"unit": row.unit.name})
        if row.target is not None and row.unit is not None and row.period is not None:
            key = (row.target.pk, row.unit.pk, row.period)
            if key in seen:
                fail("month", _("the same target, unit and month as row %(row)d.") % {"row": seen[key]})
            else:
                seen[key] = line.number
            current = stored.get(key)
            if current is not None and current.state == State.DELETED:
                current = None
            if current is not None:
                row.old_value, row.old_state = current.value, current.state
                if not table.has_note:
                    row.note = current.note
            if row.value is not None:
                problems = result_errors(
                    target=row.target, unit=row.unit, period=row.period, value=row.value, note=row.note,
                    closed=closed, allocated=allocated, today=today,
                )
                columns = {"period": "month", "unit": "district_code", "value": "value", "note": "note"}
                for name, reason in problems.items():
                    fail(columns.get(name, name), reason)
                if not row.errors:
                    if current is None:
                        row.status = NEW
                    elif current.state in Result.COUNTED_STATES and (current.value, current.note) == (row.value, row.note):
                        row.status = UNCHANGED
                    elif current.state == State.VERIFIED:
                        fail("value", _("the result is already verified by the host bureau; ask the host to return it for correction first."))
                    else:
                        row.status = CHANGED
        if row.errors:
            row.status = ERROR
        if progress and done % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(table.lines) % 1000)
    return Plan(rows, user)


def commit(plan, user):
    """Write the plan's new and changed rows, all or nothing, as submitted; return the counts.

    Raises ``ValidationError`` and saves nothing when the plan has an error (or when a row breaks a
    rule by the time it is written: a month closed meanwhile)."""
    if not plan.ok:
        raise ValidationError(_("The file has errors: nothing was imported. Correct them and import it again."))
    changes = plan.changes
    try:
        with transaction.atomic():
            counts = record_results(
                [
                    {"target": r.target, "unit": r.unit, "period": r.period, "value": r.value, "note": r.note, "state": State.SUBMITTED}
                    for r in changes
                ],
                by=user,
            )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError([
            _("Row %(row)d: %(reason)s") % {"row": changes[index].number, "reason": " ".join(messages)}
            for index, messages in sorted(error.message_dict.items())
        ]) from None
    counts["unchanged"] += plan.count(UNCHANGED)
    return counts
