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

No file can hold a worker for long (issue 21). The budgets below are checked before anything is
parsed: the file's size; for an XLSX, its zip directory, the ``<dimension>`` its sheet declares
and a streamed count of its sheet's rows, cells and XML elements, before openpyxl opens it. Then
reading stops at the row budget whatever the file declared. Each refusal names the budget and
what the file had. A CSV that is not UTF-8 is read as Thai Windows text only when what that
gives reads as Thai. A check lists its first 100 rows in error and counts the others.
"""
import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.lib import fiscal
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.reporting.grid import THAI_DIGITS, parse_number
from tracker.targets.models import Allocation, ClosedMonth, Result, Target
from tracker.targets.recording import record_results, result_errors, stamp

State = Result.State

# Budgets of one import file. A file within them is read and checked in a few seconds and a few
# tens of MB whatever it holds; every check and message below uses these names.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the file as sent (and the CSV read by the command)
MAX_RESULT_ROWS = 20_000  # a month of 50 districts × 400 targets; the 12,000-row benchmark file fits
MAX_ROWS = MAX_RESULT_ROWS + 1  # with the header row, as the spreadsheet numbers rows
MAX_COLUMNS = 30  # A to AD: the five columns and room for the reader's own; no cell beyond is read
# Cells that hold something: 20,000 rows × 5 columns with half as much again to spare. openpyxl
# reads some 40,000 cells a second on 2 shared cores (benchmarks/import_limits.py), so this keeps
# the reading within about 4 s; empty cells a dimension declares cost nothing (a row of them is
# one shared tuple), so the budget counts the cells in the XML, not the dimension's area.
MAX_CELLS = 150_000
# The zip's members as its directory declares them, all together. Thai text in XML packs about 11
# to 1: the benchmark's 4.9 MB workbook of 20,000 rows with long notes unpacks to 56.6 MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# Everything but the sheet and its shared strings (styles, workbook, other sheets, pictures), which
# openpyxl parses whole: about 0.5 s for a megabyte of styles.
MAX_REST_BYTES = 1024 * 1024
# XML elements in the sheet or its shared strings: a cell takes two or three (c, v, or is and t). This
# bounds what openpyxl holds for one row, whatever elements a crafted row carries.
MAX_ELEMENTS = 4 * MAX_CELLS + MAX_ROWS + 10_000
MAX_ERRORS_SHOWN = 100  # rows in error listed by the check; the others are counted

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
    refuse_if_too_large(len(data))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(_("This is an old Excel file (.xls). Save it as .xlsx or as CSV (UTF-8) and import that."))
    if filename.lower().endswith(".xlsx"):
        raise FileError(_("This file is named .xlsx but is not an Excel workbook. Save it again from Excel as .xlsx or CSV."))
    return _read_csv(data)


def refuse_if_too_large(size):
    """Raise ``FileError`` for a file of ``size`` bytes over the upload budget (the page asks before reading it)."""
    if size > MAX_UPLOAD_BYTES:
        raise FileError(_("The file is larger than %(mb)d MB. Split it into smaller files and import each.") % {
            "mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        })


def _count(number):
    return f"{number:,}"


def _mb(size):
    return f"{size / (1024 * 1024):,.1f}"


def _too_many_rows(found):
    """``found`` says what the file has; the rest of the message is the row budget, the same for every file."""
    return FileError(found + " " + _(
        "An import takes at most %(max)s rows: a header row and %(results)s rows of results. "
        "Split the file by month or by target."
    ) % {"max": _count(MAX_ROWS), "results": _count(MAX_RESULT_ROWS)})


def _more_rows_than_the_budget():
    return _too_many_rows(_("The file has more than %(rows)s rows.") % {"rows": _count(MAX_ROWS)})


def _unreadable_excel(reason):
    return FileError(_("The Excel file could not be read (%(reason)s). Save it again from Excel as .xlsx or CSV.") % {
        "reason": reason,
    })


# A character cp874 decodes that Thai text cannot have there: the bytes were text of another code
# page (Latin-1 é is a Thai tone mark in cp874, ç a vowel sign, É a consonant). Every byte cp874
# decodes lands in the Thai block or its few punctuation marks, so the test is where they stand.
_NOT_THAI = re.compile(
    r"(?=[\u0e01-\u0e5b])(?:"  # only where a Thai character stands: a third faster on a 5 MB file
    # a vowel sign or tone mark with no Thai letter (or other mark) to sit on
    r"(?<![\u0e01-\u0e2e\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]"
    # a vowel written before its consonant (เ แ โ ใ ไ) with no consonant after it
    r"|[\u0e40-\u0e44](?![\u0e01-\u0e2e])"
    # a lone Thai character ending or starting a Latin word (caf้, ษcole): Thai beside Latin letters
    # comes as a word (ระบบGIS), never one character
    r"|(?<=[A-Za-z])[\u0e01-\u0e5b](?![\u0e01-\u0e5b])"
    r"|(?<![\u0e01-\u0e5b])[\u0e01-\u0e5b](?=[A-Za-z])"
    r")"
)


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Thai Excel saves "CSV" in the Windows Thai code page (TIS-620 with a few more characters).
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise FileError(_(
            "The file could not be read as text: it is neither UTF-8 nor Thai Windows (TIS-620) text. "
            "Save it as CSV UTF-8 or as .xlsx and import that."
        )) from None
    wrong = _NOT_THAI.search(text)
    if wrong:
        start = max(text.rfind(c, 0, wrong.start()) for c in ",;\t\n ") + 1
        ends = [i for i in (text.find(c, wrong.end()) for c in ",;\t\r\n ") if i != -1]
        word = text[start:min(ends, default=len(text))][:40]
        raise FileError(_(
            "The file is not UTF-8 text, and read as Thai Windows (TIS-620) text its row %(row)d says "
            "“%(text)s”, which is not Thai: the file is in another encoding. Save it as CSV UTF-8 or as "
            ".xlsx and import that."
        ) % {"row": text.count("\n", 0, wrong.start()) + 1, "text": word})
    return text


def _read_csv(data):
    text = _decode(data)
    if "\x00" in text:
        raise FileError(_("The file could not be read as text: it is neither UTF-8 nor Thai Windows (TIS-620) text. "
                          "Save it as CSV UTF-8 or as .xlsx and import that."))
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are numbered but not kept
            if number > MAX_ROWS:
                raise _more_rows_than_the_budget()  # the rest of the file is not read
            rows.append((number, cells, {}))
    except csv.Error as error:
        raise FileError(_("The CSV file could not be read: %(reason)s") % {"reason": error}) from None
    return _table(rows, lambda index, header: header)


def _read_xlsx(data):
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    _check_workbook(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # noqa: BLE001 — whatever breaks in a damaged workbook, the answer is the same
        raise _unreadable_excel(error.__class__.__name__) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # Bounded whatever the sheet declares: openpyxl stops after max_row and cuts every row at
        # max_col. Both given, a dimension that says too little (some writers put "A1") loses nothing.
        cells = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(cells, start=1):
            if all(value is None for value in values):
                continue
            if number > MAX_ROWS:
                raise _more_rows_than_the_budget()
            texts, formulas = [], {}
            for index, value in enumerate(values):
                if isinstance(value, (ArrayFormula, DataTableFormula)) or (isinstance(value, str) and value.startswith("=")):
                    formulas[index] = get_column_letter(index + 1)
                    value = None
                texts.append(_cell_text(value))
            rows.append((number, texts, formulas))
    except FileError:
        raise
    except Exception as error:  # noqa: BLE001 — a damaged sheet inside a valid zip
        raise _unreadable_excel(error.__class__.__name__) from None
    finally:
        workbook.close()
    return _table(rows, lambda index, header: f"{get_column_letter(index + 1)} ({header})")


# The budgets of a workbook, checked on the zip before openpyxl parses any of it ----------------

_PREFIX = rb"(?:[^\s<>/:=\"']+:)?"  # SpreadsheetML may come with a namespace prefix (x:row)
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData[\s/>]")
_ROW = re.compile(rb"<" + _PREFIX + rb"row(?=[\s/>])([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
_STRING = re.compile(rb"<" + _PREFIX + rb"si[\s/>]")
_HEAD_BYTES = 64 * 1024  # the dimension comes before the sheet's data, in its first few hundred bytes
_CHUNK_BYTES = 1024 * 1024
_LONGEST_TAG = 1024 * 1024  # a tag, or text and the tag after it, longer than this is not a spreadsheet's


def _check_workbook(data):
    """Refuse a workbook over a budget, reading only its zip directory and streaming its sheet's XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _unreadable_excel(error.__class__.__name__) from None
    # The directory's sizes bind: zipfile never gives more bytes than a member declares.
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileError(_(
            "The workbook unpacks to %(size)s MB; an import reads at most %(max)s MB. "
            "Save the sheet as CSV, or split it by month or by target, and import each file."
        ) % {"size": _mb(unpacked), "max": _mb(MAX_UNPACKED_BYTES)})
    try:
        sheet, strings = _data_parts(archive)
        rest = sum(member.file_size for member in members if member.filename not in (sheet, strings))
        if rest > MAX_REST_BYTES:
            raise _rest_too_large(rest)
        if sheet is None:
            return  # openpyxl will say what is missing
        _check_dimension(archive, sheet)
        _check_markup(archive, sheet, _CELL, MAX_CELLS, sheet_rows=True)
        if strings is not None:
            _check_markup(archive, strings, _STRING, MAX_CELLS)
    except FileError:
        raise
    except Exception as error:  # noqa: BLE001 — a broken part: openpyxl would fail on it the same way
        raise _unreadable_excel(error.__class__.__name__) from None


def _rest_too_large(size):
    return FileError(_(
        "Besides the sheet to import, the workbook holds %(size)s MB (styles, other sheets, pictures); "
        "an import reads at most %(max)s MB of them. Copy the sheet into a new workbook, or save it as CSV, "
        "and import that."
    ) % {"size": _mb(size), "max": _mb(MAX_REST_BYTES)})


def _small_part(archive, name):
    """A part openpyxl parses whole, read only when it is within the budget of the rest."""
    size = archive.getinfo(name).file_size
    if size > MAX_REST_BYTES:
        raise _rest_too_large(size)
    return archive.read(name)


def _data_parts(archive):
    """The zip paths of the first sheet and of the shared strings (or None), found as openpyxl finds them."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.packaging.workbook import WorkbookPackage
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_WORKBOOK, SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX
    from openpyxl.xml.functions import fromstring

    manifest = Manifest.from_tree(fromstring(_small_part(archive, ARC_CONTENT_TYPES)))
    book = next(filter(None, (manifest.find(kind) for kind in (XLTM, XLTX, XLSM, XLSX))), None)
    book_path = book.PartName[1:] if book else ARC_WORKBOOK
    sheets = WorkbookPackage.from_tree(fromstring(_small_part(archive, book_path))).sheets
    rels_path = get_rels_path(book_path)
    _small_part(archive, rels_path)
    sheet = get_dependents(archive, rels_path).get(sheets[0].id).target if sheets else None
    strings = manifest.find(SHARED_STRINGS)
    return sheet, (strings.PartName[1:] if strings else None)


def _check_dimension(archive, sheet):
    """Refuse the rows and columns the sheet declares, reading only the start of its XML."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    with archive.open(sheet) as part:
        head = part.read(_HEAD_BYTES)
    found, data = _DIMENSION.search(head), _SHEET_DATA.search(head)
    if not found or (data and data.start() < found.start()):
        return  # the rows are counted all the same
    try:
        _min_col, _min_row, columns, rows = range_boundaries(found[1].decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        return  # not a dimension openpyxl could use either
    if rows and rows > MAX_ROWS:
        raise _too_many_rows(_("The sheet declares %(rows)s rows.") % {"rows": _count(rows)})
    if columns and columns > MAX_COLUMNS:
        raise FileError(_(
            "The sheet declares columns up to %(letter)s (%(columns)s columns); an import reads at most "
            "%(max)s, A to %(last)s. Delete the columns that are not needed: the import uses target_code, "
            "district_code, month, value and note."
        ) % {
            "letter": get_column_letter(columns), "columns": _count(columns),
            "max": MAX_COLUMNS, "last": get_column_letter(MAX_COLUMNS),
        })


def _check_markup(archive, name, items, max_items, sheet_rows=False):
    """Stream a part's XML and stop at the first budget it passes: its elements, its cells (``items``:
    cells of a sheet, strings of the shared strings) and, for the sheet, the number of its last row
    that holds cells, whatever its dimension said."""
    elements = count = last_row = 0
    tail = b""
    with archive.open(name) as part:
        while True:
            chunk = part.read(_CHUNK_BYTES)
            block = tail + chunk
            # Count whole tags only: keep from the last "<" on, a tag the next chunk may end.
            cut = block.rfind(b"<") if chunk else -1
            block, tail = (block, b"") if cut == -1 else (block[:cut], block[cut:])
            if len(tail) > _LONGEST_TAG:
                raise _markup_too_large(name)
            elements += block.count(b"<") - block.count(b"</")
            if elements > MAX_ELEMENTS:
                raise _markup_too_large(name)
            if sheet_rows:
                for row in _ROW.finditer(block):
                    attributes = row[1]
                    number = _ROW_NUMBER.search(attributes)
                    try:
                        last_row = int(float(number[1])) if number else last_row + 1  # as openpyxl numbers rows
                    except (ValueError, OverflowError):
                        last_row += 1  # openpyxl refuses such a row itself
                    if last_row > MAX_ROWS and not attributes.endswith(b"/"):  # a row element with no cells is blank
                        raise _more_rows_than_the_budget()
            count += sum(1 for _match in items.finditer(block))  # one match alive at a time, not a list
            if count > max_items:
                if not sheet_rows:
                    raise _markup_too_large(name)  # more strings than cells: not a file Excel wrote
                raise FileError(_(
                    "The sheet has more than %(max)s cells that hold something; an import reads at most "
                    "that many. Delete the columns that are not needed, or split the file by month or by target."
                ) % {"max": _count(MAX_CELLS)})
            if not chunk:
                return


def _markup_too_large(name):
    return FileError(_(
        "The Excel file could not be read: its part %(part)s holds more XML than an import reads. "
        "Save it again from Excel as .xlsx or as CSV and import that."
    ) % {"part": name})


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
    return datetime.date(fiscal.typed_year_ce(year), month, day).replace(day=1)


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
    seen: str = ""  # the stored result's stamp when checked: commit refuses it if changed since
    errors: list = field(default_factory=list)  # messages naming row, column and reason


@dataclass
class Plan:
    rows: list
    user: object = None
    permissions: object = None  # the user's, as checked: the commit writes with them

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def fingerprint(self):
        """A digest of the stored results the plan was checked against: the confirmation compares it,
        so that what is confirmed is what the preview showed."""
        return hashlib.sha256(repr([(row.number, row.status, row.seen) for row in self.rows]).encode()).hexdigest()

    @property
    def counts(self):
        return {status: self.count(status) for status in (NEW, CHANGED, UNCHANGED, ERROR)}

    @property
    def errors(self):
        return [row for row in self.rows if row.status == ERROR]

    @property
    def errors_shown(self):
        """The first rows in error, those a report lists: a page or a terminal stays short."""
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def more_errors(self):
        """“… and 19,900 more rows with errors: 20,000 in all.”, or "" when every row in error is listed."""
        total = self.count(ERROR)
        more = total - MAX_ERRORS_SHOWN
        if more <= 0:
            return ""
        return ngettext(
            "… and %(more)s more row with errors: %(total)s in all.",
            "… and %(more)s more rows with errors: %(total)s in all.",
            more,
        ) % {"more": _count(more), "total": _count(total)}

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
            row.seen = stamp(current)
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
    return Plan(rows, user, permissions)


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
                    {
                        "target": r.target, "unit": r.unit, "period": r.period, "value": r.value, "note": r.note,
                        "state": State.SUBMITTED, "seen": r.seen,
                    }
                    for r in changes
                ],
                by=user, permissions=plan.permissions,
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
