"""The import's budgets (issue 21, "no file can stall a worker"): bombs, oversized files, wrong encodings, long reports.

Every workbook here is written byte by byte with zipfile, as an attacker would write it, so that
the test says exactly what the file declares and holds.
"""
import io
import signal
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.html import escape

from tracker.reporting import importing
from tracker.reporting.views.importing import SESSION_KEY
from tracker.targets.models import Result, ResultRevision

pytestmark = pytest.mark.django_db

ROWS_REFUSED = (
    "An import takes at most 20,001 rows: a header row and 20,000 rows of results. "
    "Split the file by month or by target."
)
MORE_THAN_THE_BUDGET = "The file has more than 20,001 rows. " + ROWS_REFUSED
LATIN_1_REFUSED = (
    "The file is not UTF-8 text, and read as Thai Windows (TIS-620) text its row 2 says “caf\u0e49”, "
    "which is not Thai: the file is in another encoding. Save it as CSV UTF-8 or as .xlsx and import that."
)

PEAK_MB = 20  # the unfixed reader took 2.5 GB on the dimension bomb before the worker was killed


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def in_june(clock):
    clock(2024, 6, 20, 9)


# Workbooks written by hand ----------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{more}</Types>'
)
STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER_ROW = b'<row r="1">' + b"".join(
    text_cell(f"{letter}1", name)
    for letter, name in zip("ABCDE", ("target_code", "district_code", "month", "value", "note"))
) + b"</row>"


def workbook(sheet_data, dimension=None, parts=None, level=zipfile.ZIP_DEFLATED):
    """An .xlsx whose first sheet holds ``sheet_data`` (the XML inside <sheetData>), with ``parts`` added."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
        + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    )
    parts = dict(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level, compresslevel=1) as archive:
        more = STRINGS_TYPE if "xl/sharedStrings.xml" in parts else ""
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(more=more))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def deflate_bomb():
    """1,000,000 rows, about 150 MB of XML, in a file of about 1.4 MB; no dimension to give it away."""
    row = (b'<row><c t="inlineStr"><is><t>ENV-TREES</t></is></c><c t="inlineStr"><is><t>1001</t></is></c>'
           b'<c t="inlineStr"><is><t>2024-06</t></is></c><c><v>1</v></c></row>')
    return workbook(HEADER_ROW + row * 1_000_000)


def dimension_bomb():
    """1.6 KB: a header, and a cell in the sheet's very last row and column, which the dimension declares."""
    return workbook(HEADER_ROW + b'<row r="1048576">' + text_cell("XFD1048576", "x") + b"</row>", "A1:XFD1048576")


# Measuring a refusal ---------------------------------------------------------------------------

@contextmanager
def at_most(seconds):
    """Fail rather than hang: the unfixed reader ran a minute on these files."""

    def give_up(signum, frame):
        raise AssertionError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refusal(data, name="results.xlsx"):
    """read()'s message for ``data``, the seconds it took, and its peak of traced memory in MB (in a
    second, untimed pass: tracing slows every allocation down)."""
    importing.read(workbook(HEADER_ROW), "warm.xlsx")  # openpyxl's modules loaded before the clock starts
    started = time.perf_counter()
    with at_most(10), pytest.raises(importing.FileError) as error:
        importing.read(data, name)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        with at_most(10), pytest.raises(importing.FileError):
            importing.read(data, name)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return " ".join(error.value.messages), seconds, peak


def upload(client, data, name):
    with at_most(10):
        return client.post(
            "/import/", {"action": "check", "file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en",
        )


# Workbooks -------------------------------------------------------------------------------------

def test_a_dimension_bomb_is_refused_from_its_dimension_within_a_second():
    data = dimension_bomb()
    assert len(data) < 2000
    message, seconds, peak = refusal(data)
    assert message == "The sheet declares 1,048,576 rows. " + ROWS_REFUSED
    assert seconds < 1 and peak < PEAK_MB


def test_a_deflate_bomb_is_refused_from_the_zip_directory_within_a_second(deflate_bomb):
    assert len(deflate_bomb) < importing.MAX_UPLOAD_BYTES
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(deflate_bomb)).infolist())
    assert unpacked > 150_000_000
    message, seconds, peak = refusal(deflate_bomb)
    assert message == (
        f"The workbook unpacks to {unpacked / 2**20:.1f} MB; an import reads at most 64.0 MB. "
        "Save the sheet as CSV, or split it by month or by target, and import each file."
    )
    assert seconds < 1 and peak < PEAK_MB


def test_a_sheet_whose_dimension_lies_is_refused_at_its_first_row_past_the_budget():
    data = workbook(HEADER_ROW + b'<row r="1048576">' + text_cell("A1048576", "x") + b"</row>", "A1:E2")
    message, seconds, peak = refusal(data)
    assert message == MORE_THAN_THE_BUDGET
    assert seconds < 1 and peak < PEAK_MB


def test_a_million_rows_without_a_dimension_are_counted_no_further_than_the_budget():
    data = workbook(HEADER_ROW + b"<row><c><v>1</v></c></row>" * 1_000_000)  # 26 MB of XML: within the size budget
    message, seconds, peak = refusal(data)
    assert message == MORE_THAN_THE_BUDGET
    assert seconds < 1 and peak < PEAK_MB


def test_one_row_of_a_million_elements_is_refused_before_openpyxl_holds_it():
    data = workbook(HEADER_ROW + b'<row r="2"><c r="A2"><v>1</v>' + b"<x/>" * 1_000_000 + b"</c></row>", "A1:E2")
    message, seconds, peak = refusal(data)
    assert message == (
        "The Excel file could not be read: its part xl/worksheets/sheet1.xml holds more XML than an import reads. "
        "Save it again from Excel as .xlsx or as CSV and import that."
    )
    assert seconds < 1 and peak < PEAK_MB


def test_more_cells_than_the_budget_are_refused():
    # 20,000 rows of 8 cells: within the rows and columns, 160,000 cells.
    rows = (b"<row>" + b"<c><v>1</v></c>" * 8 + b"</row>") * 20_000
    message, seconds, peak = refusal(workbook(HEADER_ROW + rows, "A1:H20001"))
    assert message == (
        "The sheet has more than 150,000 cells that hold something; an import reads at most that many. "
        "Delete the columns that are not needed, or split the file by month or by target."
    )
    assert seconds < 1 and peak < PEAK_MB


def test_more_columns_than_the_budget_are_refused():
    message, _seconds, _peak = refusal(workbook(HEADER_ROW, "A1:AE1"))
    assert message == (
        "The sheet declares columns up to AE (31 columns); an import reads at most 30, A to AD. "
        "Delete the columns that are not needed: the import uses target_code, district_code, month, value and note."
    )


def test_styles_and_other_parts_over_their_budget_are_refused_before_openpyxl_parses_them():
    styles = (f'<styleSheet xmlns="{MAIN}"><cellXfs count="40000">'.encode()
              + b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0"/>' * 40_000 + b"</cellXfs></styleSheet>")
    data = workbook(HEADER_ROW, "A1:E1", parts={"xl/styles.xml": styles})
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    rest = sum(m.file_size for m in members if m.filename != "xl/worksheets/sheet1.xml")
    message, seconds, peak = refusal(data)
    assert message == (
        f"Besides the sheet to import, the workbook holds {rest / 2**20:.1f} MB (styles, other sheets, pictures); "
        "an import reads at most 1.0 MB of them. Copy the sheet into a new workbook, or save it as CSV, "
        "and import that."
    )
    assert seconds < 1 and peak < PEAK_MB


def test_more_shared_strings_than_cells_are_refused():
    strings = f'<sst xmlns="{MAIN}">'.encode() + b"<si><t>x</t></si>" * 200_000 + b"</sst>"
    data = workbook(HEADER_ROW, "A1:E1", parts={"xl/sharedStrings.xml": strings})
    message, _seconds, peak = refusal(data)
    assert "its part xl/sharedStrings.xml holds more XML than an import reads" in message
    assert peak < PEAK_MB


def test_a_workbook_at_the_row_budget_is_read_whole():
    values = b"".join(f'<row r="{n}"><c r="D{n}"><v>{n}</v></c></row>'.encode() for n in range(2, 20_002))
    table = importing.read(workbook(HEADER_ROW + values, "A1:E20001"), "results.xlsx")
    assert len(table.lines) == 20_000
    assert (table.lines[-1].number, table.lines[-1].cells["value"]) == (20_001, "20001")


def test_a_dimension_that_says_too_little_loses_no_cell():
    values = ("ENV-TREES", "1001", "2024-06", "5", "ok")
    row = b'<row r="2">' + b"".join(text_cell(f"{c}2", text) for c, text in zip("ABCDE", values)) + b"</row>"
    [line] = importing.read(workbook(HEADER_ROW + row, "A1"), "results.xlsx").lines
    assert line.cells == dict(zip(("target_code", "district_code", "month", "value", "note"), values))


def test_a_workbook_made_by_openpyxl_with_shared_strings_and_dates_still_reads():
    workbook_ = openpyxl.Workbook()
    sheet = workbook_.active
    sheet.append(["target_code", "district_code", "month", "value", "note"])
    sheet.append(["ENV-TREES", 1001, "2567-06", 5, "ปลูกแล้ว"])
    out = io.BytesIO()
    workbook_.save(out)
    [line] = importing.read(out.getvalue(), "x.xlsx").lines
    assert line.cells == {
        "target_code": "ENV-TREES", "district_code": "1001", "month": "2567-06", "value": "5", "note": "ปลูกแล้ว",
    }


# CSV -------------------------------------------------------------------------------------------

HEADER = "target_code,district_code,month,value,note\n"


def csv_rows(count):
    return "".join(f"ENV-TREES,{1001 + n % 50},2024-06,{n},\n" for n in range(count))


def test_a_csv_at_the_row_budget_is_read_whole():
    assert len(importing.read((HEADER + csv_rows(20_000)).encode(), "x.csv").lines) == 20_000


def test_a_csv_over_the_row_budget_is_refused_without_reading_the_rest():
    # Past the budget comes a field over csv's limit: reading that far would fail with another message.
    data = (HEADER + csv_rows(20_001) + "x" * 200_000 + "\n").encode()
    message, seconds, _peak = refusal(data, "x.csv")
    assert message == MORE_THAN_THE_BUDGET
    assert seconds < 1


def test_a_csv_of_120001_rows_is_refused_within_a_second():
    data = (HEADER + csv_rows(120_001)).encode()
    message, seconds, peak = refusal(data, "x.csv")
    assert message == MORE_THAN_THE_BUDGET
    assert seconds < 1 and peak < 50  # the whole file as text (3.7 MB) and 20,000 rows


def test_blank_lines_do_not_count_against_the_budget_after_the_last_row():
    data = (HEADER + csv_rows(3) + ",,,,\n" * 50_000).encode()
    assert len(importing.read(data, "x.csv").lines) == 3


def test_a_latin_1_file_is_not_taken_for_thai():
    data = (HEADER + "ENV-TREES,1001,2024-06,10,café\n").encode("latin-1")
    message, _seconds, _peak = refusal(data, "x.csv")
    assert message == LATIN_1_REFUSED


@pytest.mark.parametrize("word", ["São Paulo", "Ärger", "niño", "École", "à la carte", "façade", "Ålesund", "Straße"])
def test_other_latin_1_words_are_not_taken_for_thai_either(word):
    data = (HEADER + f"ENV-TREES,1001,2024-06,10,{word}\n").encode("latin-1")
    message, _seconds, _peak = refusal(data, "x.csv")
    assert message.startswith("The file is not UTF-8 text, and read as Thai Windows (TIS-620) text its row 2 says")


@pytest.mark.parametrize("note", [
    "ต้นไม้ตาย", "ปัญหาและอุปสรรค: น้ำท่วม “ซอย ๕” – รอ…", "ข้อมูลจากระบบGIS", "เก๊ะ ฤๅษี ฯลฯ ๑๒๓๔ ฿",
])
def test_thai_windows_text_is_still_read(note):
    data = ("รหัสเป้าหมาย,รหัสเขต,เดือน,ค่า,หมายเหตุ\n" + f"ENV-TREES,1001,2567-06,10,{note}\n").encode("cp874")
    [line] = importing.read(data, "x.csv").lines
    assert line.cells["note"] == note


# Long error reports ----------------------------------------------------------------------------

def bad_rows(count):
    return (HEADER + "".join(f"NOPE-{n},1001,2024-06,1,\n" for n in range(count))).encode()


def test_a_report_lists_the_first_100_rows_in_error_and_counts_the_rest(people):
    plan = importing.check(importing.read(bad_rows(150), "x.csv"), people["reporter"])
    assert plan.counts["error"] == 150
    assert [row.number for row in plan.errors_shown] == list(range(2, 102))
    assert plan.more_errors == "… and 50 more rows with errors: 150 in all."


def test_a_report_of_101_errors_says_one_more_row():
    plan = importing.Plan([importing.PlanRow(n) for n in range(101)])
    assert plan.more_errors == "… and 1 more row with errors: 101 in all."
    assert importing.Plan([importing.PlanRow(n) for n in range(100)]).more_errors == ""


def test_the_page_shows_100_rows_in_error_and_the_total(client, people):
    client.force_login(people["reporter"])
    response = upload(client, bad_rows(150), "bad.csv")
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("<li data-row=") == 100
    assert 'data-row="101"' in html and 'data-row="102"' not in html
    assert '<p class="notice" id="import-more-errors">… and 50 more rows with errors: 150 in all.</p>' in html
    assert 'value="confirm"' not in html


def test_the_command_prints_100_rows_in_error_and_the_total(people, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(bad_rows(150))
    out = io.StringIO()
    with pytest.raises(CommandError, match="150 with errors"):
        call_command("import_results", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("Row ") for line in lines) == 100
    assert "… and 50 more rows with errors: 150 in all." in lines


def test_the_command_refuses_a_bomb_with_the_same_message(people, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(dimension_bomb())
    with at_most(10), pytest.raises(CommandError) as error:
        call_command("import_results", str(path), stdout=io.StringIO())
    assert str(error.value) == "The sheet declares 1,048,576 rows. " + ROWS_REFUSED


# The page --------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, name, message", [
    (dimension_bomb, "bomb.xlsx", "The sheet declares 1,048,576 rows. " + ROWS_REFUSED),
    (lambda: (HEADER + csv_rows(120_001)).encode(), "big.csv", MORE_THAN_THE_BUDGET),
    (lambda: (HEADER + "ENV-TREES,1001,2024-06,10,café\n").encode("latin-1"), "latin.csv", LATIN_1_REFUSED),
])
def test_the_page_refuses_a_file_over_a_budget_with_a_400_and_saves_nothing(client, people, make, name, message):
    client.force_login(people["reporter"])
    results, revisions = Result.objects.count(), ResultRevision.objects.count()
    started = time.perf_counter()
    response = upload(client, make(), name)
    assert time.perf_counter() - started < 1  # the page's rendering included
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["error"] == message
    assert f'<p class="cell-error" role="alert">{escape(message)}</p>' in html
    assert 'value="confirm"' not in html
    assert SESSION_KEY not in client.session
    assert (Result.objects.count(), ResultRevision.objects.count()) == (results, revisions)


def test_the_page_refuses_the_deflate_bomb_with_a_400(client, people, deflate_bomb):
    client.force_login(people["reporter"])
    response = upload(client, deflate_bomb, "bomb.xlsx")
    assert response.status_code == 400
    assert response.context["error"].startswith("The workbook unpacks to 149.")
    assert SESSION_KEY not in client.session


def test_the_page_states_the_budgets(client, people):
    client.force_login(people["reporter"])
    html = client.get("/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("A file holds at most 20,000 rows of results below its header and 30 columns (5 MB); "
            "split a larger one by month or by target.") in html
