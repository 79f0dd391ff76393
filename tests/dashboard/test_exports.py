"""Table downloads read back as a spreadsheet would: fixed keys, plain text, numbers, no formulas."""
import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django_tables2.export import TableExport

from tracker.okrs.models import Okr, Project
from tracker.org.models import District, Unit
from tracker.web.exports import inert

pytestmark = pytest.mark.django_db

DISTRICTS = "/targets/ENV-TREES/?as_of=2024-06-07"
OKRS = "/okrs/?as_of=2024-06-07"
PROJECTS = "/projects/?as_of=2024-06-07"
KEYS = {
    DISTRICTS: ["target_code", "district_code", "district", "zone", "allocation", "result", "percent", "band", "rank"],
    OKRS: ["okr_code", "okr", "unit_code", "unit", "target_code", "target_name", "fiscal_year", "projects_bound", "bound"],
    PROJECTS: ["project_code", "project", "unit_code", "unit", "okr_codes", "targets", "status", "progress", "last_reported_on"],
}
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def download(client, url, export_format, language="th"):
    """The exported file as a header row and data rows, read with ``csv`` or ``openpyxl``."""
    response = client.get(f"{url}&_export={export_format}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def records(client, url, export_format="csv", language="th"):
    header, rows = download(client, url, export_format, language)
    return [dict(zip(header, row)) for row in rows]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("url", KEYS)
def test_header_keys_are_english_whatever_the_language(client, url, export_format):
    assert download(client, url, export_format, "th")[0] == KEYS[url]
    assert download(client, url, export_format, "en")[0] == KEYS[url]


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("url", KEYS)
def test_no_cell_holds_html(client, url, export_format, language):
    header, rows = download(client, url, export_format, language)
    assert rows
    # A band reads "< 50%": the "<" of a comparison is text, the "<" of a tag or "&" of an entity is not.
    assert not [cell for row in rows for cell in row if re.search(r"</?[a-z]|&\w+;", str(cell))]


def test_district_numbers_are_rounded_like_the_page(client):
    rows = records(client, DISTRICTS)
    assert rows[0]["allocation"] == "5235"
    assert not [r for r in rows if not re.fullmatch(r"\d+", r["allocation"]) or not re.fullmatch(r"\d+", r["result"])]
    assert not [r for r in rows if not re.fullmatch(r"\d+(\.\d{1,2})?", r["percent"])]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_district_results_sum_to_the_headline(client, export_format):
    rows = records(client, DISTRICTS, export_format)
    assert sum(Decimal(str(r["result"])) for r in rows) == 218_910


def test_xlsx_holds_numbers_a_spreadsheet_can_sum(client):
    rows = records(client, DISTRICTS, "xlsx")
    assert all(isinstance(r[key], int | float) for r in rows for key in ("allocation", "result", "percent", "rank"))
    assert all(isinstance(r["projects_bound"], int) for r in records(client, OKRS, "xlsx"))


@pytest.mark.parametrize("language", ["th", "en"])
def test_district_rows_carry_the_target_and_the_districts_name(client, language):
    rows = records(client, DISTRICTS, language=language)
    assert {r["target_code"] for r in rows} == {"ENV-TREES"} and len(rows) == 50
    phra_nakhon = District.objects.get(code="1001")
    assert rows[0]["district_code"] == "1001"
    assert rows[0]["district"] == (phra_nakhon.name_th if language == "th" else phra_nakhon.name_en)


def test_thai_okr_export_has_words_and_the_units_thai_name(client):
    rows = records(client, OKRS)
    cells = {str(cell) for r in rows for cell in r.values()}
    assert not cells & {"True", "False"}
    env = next(r for r in rows if r["unit_code"] == "ENV")
    assert env["unit"] == Unit.objects.get(code="ENV").name_th


def test_english_okr_export_says_bound_or_not_bound(client):
    Project.okrs.through.objects.filter(okr__code="ENV-OKR-01").delete()
    bound = {r["okr_code"]: r["bound"] for r in records(client, "/okrs/?fiscal_year=2567", language="en")}  # today
    assert bound["ENV-OKR-01"] == "Not bound" and bound["ENV-OKR-02"] == "Bound"


def test_project_export_has_status_words_and_iso_dates(client):
    project = Project.objects.get(code="ENV-PRJ-001")
    row = next(r for r in records(client, PROJECTS, language="en") if r["project_code"] == project.code)
    assert row["status"] == project.get_status_display() and row["unit"] == project.unit.name_en
    assert row["last_reported_on"] == project.last_reported_on.isoformat()
    assert row["okr_codes"] == ", ".join(sorted(okr.code for okr in project.okrs.all()))
    xlsx_row = next(r for r in records(client, PROJECTS, "xlsx") if r["project_code"] == project.code)
    assert xlsx_row["last_reported_on"] == datetime.datetime.combine(project.last_reported_on, datetime.time())


def named(model, code, name):
    """The row and its history named ``name``, as if the fixture had said so (the exports are as of a past day)."""
    for rows in (model.objects, model.history):
        rows.filter(code=code).update(name_th=name)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_quoted(client, name, export_format):
    named(Okr, "ENV-OKR-01", name)
    named(Project, "ENV-PRJ-001", name)
    okr = next(r for r in records(client, OKRS, export_format) if r["okr_code"] == "ENV-OKR-01")
    project = next(r for r in records(client, PROJECTS, export_format) if r["project_code"] == "ENV-PRJ-001")
    # An XLSX file is XML, whose reader turns a carriage return into a line feed.
    quoted = "'" + name if export_format == "csv" else "'" + name.replace("\r", "\n")
    assert okr["okr"] == project["project"] == quoted


def test_xlsx_cell_with_a_formula_name_is_text(client):
    named(Project, "ENV-PRJ-001", FORMULAS[0])
    response = client.get(f"{PROJECTS}&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "ENV-PRJ-001")
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_numbers_are_never_quoted():
    assert inert(Decimal("-1")) == Decimal("-1") and inert(-5) == -5 and inert(None) is None
    assert inert("a-b") == "a-b"


ALL_FORMATS = sorted(
    {f.title for f in tablib.formats.registry.formats()} | set(TableExport.FORMATS)
    | {"json", "latex", "html", "yaml", "ods", "xls", "tsv", "dbf", "jira", "rst", "cli", "df", "sql", "nonsense", ""}
)


@pytest.mark.parametrize("export_format", ALL_FORMATS)
@pytest.mark.parametrize("url", KEYS)
def test_only_csv_and_xlsx_are_served(client, url, export_format):
    response = client.get(f"{url}&_export={export_format}")
    assert response.status_code == 200
    if export_format in ("csv", "xlsx"):
        assert response["Content-Disposition"].endswith(f'.{export_format}"')
    else:
        assert "Content-Disposition" not in response and response["Content-Type"].startswith("text/html")
