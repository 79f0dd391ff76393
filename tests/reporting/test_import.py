"""Importing monthly results (นำเข้าข้อมูล): reading CSV and XLSX, the dry run, all or nothing, permissions."""
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tracker.org.models import Unit
from tracker.reporting import importing
from tracker.targets.models import Result, ResultRevision, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
HEADER = "target_code,district_code,month,value,note\n"


@pytest.fixture(autouse=True)
def in_june(clock):
    clock(2024, 6, 20, 9)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


def plan_of(data, user, filename="results.csv"):
    return importing.check(importing.read(data, filename), user)


def run(data, user, filename="results.csv"):
    """Check and commit, as the page's confirmation does; return the counts written."""
    return importing.commit(plan_of(data, user, filename), user)


def value(code, unit="1001", period=JUNE):
    result = Result.objects.filter(target__code=code, unit__code=unit, period=period).first()
    return result.value if result else None


def june_results():
    return sorted(Result.objects.filter(period=JUNE).values_list("target__code", "unit__code", "value", "note", "state"))


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_file_of_the_stored_june_values_is_all_unchanged_and_writes_nothing(people):
    reporter = people["reporter"]
    unit = Unit.objects.get(code="1001")
    for code, number in (("ENV-TREES", 120), ("ENV-PARKS", 1)):
        record_result(target=Target.objects.get(code=code), unit=unit, period=JUNE, value=number, note="ok", by=reporter)
    revisions = ResultRevision.objects.count()
    data = csv_bytes("ENV-TREES,1001,2024-06,120,ok", "ENV-PARKS,1001,2024-06,1,ok")
    plan = plan_of(data, reporter)
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}
    assert importing.commit(plan, reporter) == {"new": 0, "changed": 0, "unchanged": 2}
    assert ResultRevision.objects.count() == revisions


def test_importing_twice_leaves_the_same_state_and_the_second_run_is_all_unchanged(people):
    data = csv_bytes("ENV-TREES,1001,2024-06,\"1,200\",first", "ENV-WASTE-COLLECTION,1001,2024-06,87.25,")
    assert run(data, people["reporter"]) == {"new": 2, "changed": 0, "unchanged": 0}
    after_first, revisions = june_results(), ResultRevision.objects.count()
    assert plan_of(data, people["reporter"]).counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}
    run(data, people["reporter"])
    assert june_results() == after_first
    assert ResultRevision.objects.count() == revisions
    assert value("ENV-TREES") == Decimal("1200")


def test_a_value_replaces_the_months_value_and_shows_old_and_new(people):
    run(csv_bytes("ENV-TREES,1001,2024-06,100,"), people["reporter"])
    plan = plan_of(csv_bytes("ENV-TREES,1001,2024-06,150,"), people["reporter"])
    [row] = plan.changes
    assert (row.status, row.old_value, row.value) == ("changed", Decimal("100"), Decimal("150"))
    importing.commit(plan, people["reporter"])
    assert value("ENV-TREES") == Decimal("150")


def test_one_bad_row_rejects_the_whole_file_and_saves_nothing(people):
    before = june_results()
    data = csv_bytes("ENV-TREES,1001,2024-06,100,", "ENV-PARKS,1001,2024-06,-3,")
    plan = plan_of(data, people["reporter"])
    assert plan.counts["error"] == 1
    assert plan.errors[0].errors == ["Row 3, column value: A result cannot be negative."]
    with pytest.raises(ValidationError):
        importing.commit(plan, people["reporter"])
    assert june_results() == before


def test_each_error_names_its_row_column_and_reason(people):
    data = csv_bytes(
        "NOPE,1001,2024-06,1,", "ENV-TREES,9999,2024-06,1,", "ENV-TREES,1001,June,1,", "ENV-TREES,1001,2024-06,abc,",
        "ENV-TREES,1001,2024-05,1,", "ENV-WASTE-COLLECTION,1001,2024-06,101,",
    )
    messages = [m for row in plan_of(data, people["reporter"]).errors for m in row.errors]
    assert messages == [
        "Row 2, column target_code: no target has the code “NOPE”.",
        "Row 3, column district_code: no district office or bureau has the code “9999”.",
        "Row 4, column month: “June” is not a month; write it as 2024-06 or 2567-06.",
        "Row 5, column value: Enter the value as a number, e.g. 1,250 or 57.5.",
        "Row 6, column month: May 2024 is closed for reporting; ask Strategy and Evaluation to reopen it.",
        "Row 7, column value: A percentage must be between 0 and 100.",
    ]


def test_the_reason_of_an_error_is_in_the_readers_language(people):
    with translation.override("th"):
        [row] = plan_of(csv_bytes("ENV-PARKS,1001,2024-06,-3,"), people["reporter"]).errors
    assert "ผลการดำเนินงานต้องไม่ติดลบ" in row.errors[0]


def test_months_in_the_buddhist_era_and_as_dates_are_accepted(people):
    data = csv_bytes("ENV-TREES,1001,2567-06,10,", "ENV-PARKS,1001,2024-06-01,1,", "ENV-TREES-PERENNIAL,1001,๒๕๖๗-๐๖,๕,")
    assert run(data, people["reporter"])["new"] == 3
    assert (value("ENV-TREES"), value("ENV-PARKS"), value("ENV-TREES-PERENNIAL")) == (10, 1, 5)


def test_thai_headers_are_accepted_whatever_their_spacing(people):
    data = csv_bytes("ENV-TREES,1001,2567-06,10,ปลูกแล้ว", header=" รหัสเป้าหมาย , รหัสเขต,เดือน,ผลการดำเนินงาน,หมายเหตุ\n")
    assert run(data, people["reporter"])["new"] == 1
    assert Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=JUNE).note == "ปลูกแล้ว"


def test_a_csv_saved_by_thai_excel_in_cp874_is_read(people):
    data = csv_bytes("ENV-TREES,1001,2567-06,10,ต้นไม้ตาย", header="รหัสเป้าหมาย,รหัสเขต,เดือน,ค่า,หมายเหตุ\n", encoding="cp874")
    assert run(data, people["reporter"])["new"] == 1
    assert Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=JUNE).note == "ต้นไม้ตาย"


def test_a_csv_with_a_byte_order_mark_is_read(people):
    data = b"\xef\xbb\xbf" + csv_bytes("ENV-TREES,1001,2024-06,10,")
    assert run(data, people["reporter"])["new"] == 1


def test_an_xlsx_is_read_with_numbers_and_dates_as_excel_stores_them(people):
    data = xlsx_bytes([
        ["target_code", "district_code", "month", "value", "note"],
        ["ENV-TREES", 1001, datetime.datetime(2024, 6, 1), 1250, "xlsx"],
        ["ENV-WASTE-COLLECTION", "1001", "2567-06", 57.5, None],
    ])
    assert run(data, people["reporter"], "results.xlsx")["new"] == 2
    assert (value("ENV-TREES"), value("ENV-WASTE-COLLECTION")) == (Decimal("1250"), Decimal("57.5"))


def test_an_xlsx_cell_holding_a_formula_is_refused(people):
    data = xlsx_bytes([
        ["target_code", "district_code", "month", "value"],
        ["ENV-TREES", "1001", "2024-06", "=100+20"],
    ])
    plan = plan_of(data, people["reporter"], "results.xlsx")
    assert plan.errors[0].errors[0] == "Row 2, column D: a formula, not a value — paste values"
    assert value("ENV-TREES") is None


@pytest.mark.parametrize("data, name, says", [
    (b"\x00\x01\x02\xff\xfe" * 20, "results.csv", "neither UTF-8 nor Thai Windows"),
    (b"\x81\x82\x83", "results.csv", "neither UTF-8 nor Thai Windows"),
    (b"PK\x03\x04 not really a zip", "results.xlsx", "The Excel file could not be read"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", "results.xls", "old Excel file"),
    (b"just,some,columns\n1,2,3\n", "results.csv", "lacks the column(s) target_code, month, value"),
    (b"", "results.csv", "The file is empty"),
    (b"target_code,district_code,district,zone,allocation,result,percent,band,rank\nENV-TREES,1001,x,y,1,2,3,4,5\n",
     "export.csv", "per-district export of a target page"),
    (b"PK\x03\x04" + b"\x00" * 100, "results.xlsx", "The Excel file could not be read"),
])
def test_an_unreadable_file_says_why(people, data, name, says):
    with pytest.raises(importing.FileError) as error:
        importing.read(data, name)
    assert says in " ".join(error.value.messages)


def test_a_row_given_twice_is_an_error_on_the_later_row(people):
    plan = plan_of(csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1001,2567-06,11,"), people["reporter"])
    assert [row.number for row in plan.errors] == [3]
    assert "the same target, unit and month as row 2" in plan.errors[0].errors[0]


def test_a_reporter_importing_another_districts_row_has_that_row_refused(people):
    plan = plan_of(csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1002,2024-06,10,"), people["reporter"])
    assert [row.number for row in plan.errors] == [3]
    assert "you may not import results for" in plan.errors[0].errors[0]
    assert plan.rows[0].status == "new"


def test_a_coordinator_may_import_for_any_unit(people):
    data = csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1002,2024-06,20,", "ENV-TREES,1050,2024-06,30,")
    assert run(data, people["coordinator"])["new"] == 3
    assert value("ENV-TREES", "1050") == 30


def test_a_blank_district_code_means_the_host_which_may_not_report_a_shared_target(people):
    [row] = plan_of(csv_bytes("ENV-TREES,,2024-06,10,"), people["coordinator"]).errors
    assert "is reported by the district offices" in row.errors[0]


def test_a_verified_result_is_not_replaced_by_an_import(people):
    for by, state in (("reporter", "submitted"), ("host_verifier", "verified")):
        record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE,
                      value=5, by=people[by], state=state)
    assert plan_of(csv_bytes("ENV-TREES,1001,2024-06,5,"), people["reporter"]).counts["unchanged"] == 1
    [row] = plan_of(csv_bytes("ENV-TREES,1001,2024-06,6,"), people["reporter"]).errors
    assert "already verified" in row.errors[0]


def test_compliance_example_one_row_for_waste_points_gives_one_submitted_result(people):
    assert not Result.objects.filter(target__code="ENV-WASTE-POINTS").exists()
    run(csv_bytes("ENV-WASTE-POINTS,1001,2567-06,3,"), people["reporter"])
    result = Result.objects.get(target__code="ENV-WASTE-POINTS")
    assert (result.unit.code, result.period, result.value, result.state) == ("1001", JUNE, 3, "submitted")
    revision = result.revisions.get()
    assert (revision.changed_by, revision.value, revision.state) == (people["reporter"], 3, "submitted")
    assert revision.changed_at == result.updated_at == result.entered_at


def test_checking_reads_in_a_constant_number_of_queries(people):
    rows = [f"ENV-TREES,{code},2024-06,{code},ok" for code in range(1001, 1051)]
    rows += [f"ENV-PARKS,{code},2024-06,1," for code in range(1001, 1051)]
    table = importing.read(csv_bytes(*rows), "x.csv")
    with CaptureQueriesContext(connection) as queries:
        plan = importing.check(table, people["coordinator"])
    assert plan.counts["new"] == 100
    assert len(queries) <= 8
    with CaptureQueriesContext(connection) as queries:
        importing.commit(plan, people["coordinator"])
    assert len(queries) <= 13  # the data version's update and the savepoint of the inserts included


# The command -----------------------------------------------------------------------------------

def test_the_command_dry_runs_then_commits(people, tmp_path):
    path = tmp_path / "june.csv"
    path.write_bytes(csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1002,2024-06,20,"))
    out = io.StringIO()
    call_command("import_results", str(path), stdout=out)
    assert "2 new, 0 changed, 0 unchanged, 0 with errors" in out.getvalue()
    assert value("ENV-TREES") is None
    call_command("import_results", str(path), "--commit", stdout=out)
    assert (value("ENV-TREES"), value("ENV-TREES", "1002")) == (10, 20)
    assert Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=JUNE).entered_by.username == "system"


def test_the_command_fails_on_errors_and_prints_them(people, tmp_path):
    path = tmp_path / "june.csv"
    path.write_bytes(csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1002,2024-06,-1,"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 with errors"):
        call_command("import_results", str(path), "--commit", stdout=out)
    assert "Row 3, column value: A result cannot be negative." in out.getvalue()
    assert value("ENV-TREES") is None


def test_the_command_with_user_applies_that_users_permissions(people, tmp_path):
    path = tmp_path / "june.csv"
    path.write_bytes(csv_bytes("ENV-TREES,1002,2024-06,10,"))
    with pytest.raises(CommandError):
        call_command("import_results", str(path), "--user", "reporter-1001", stdout=io.StringIO())


# The page --------------------------------------------------------------------------------------

def upload(client, data, name="june.csv"):
    return client.post("/import/", {"action": "check", "file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("who, status", [
    ("viewer", 403), ("other_verifier", 403), ("host_verifier", 403), ("reporter", 200), ("coordinator", 200), ("admin", 200),
])
def test_who_may_open_the_import_page(client, people, who, status):
    client.force_login(people[who])
    assert client.get("/import/").status_code == status


def test_the_import_page_asks_anonymous_people_to_log_in(client):
    response = client.get("/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_the_dry_run_saves_nothing_then_saves_on_confirm(client, people):
    client.force_login(people["reporter"])
    record_result(target=Target.objects.get(code="ENV-PARKS"), unit=Unit.objects.get(code="1001"), period=JUNE,
                  value=1, by=people["reporter"])
    response = upload(client, csv_bytes("ENV-TREES,1001,2024-06,\"1,250\",", "ENV-PARKS,1001,2024-06,2,"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="new">New: 1' in html and 'data-count="changed">Changed: 1' in html
    assert 'value="confirm"' in html
    assert value("ENV-TREES") is None and value("ENV-PARKS") == 1
    digest = response.context["digest"]
    plan = response.context["plan"].fingerprint
    response = client.post("/import/", {"action": "confirm", "digest": digest, "plan": plan}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert (value("ENV-TREES"), value("ENV-PARKS")) == (Decimal("1250"), 2)
    assert "1 new, 1 changed, 0 unchanged" in [str(m) for m in response.wsgi_request._messages][0]


def test_a_file_with_errors_cannot_be_confirmed(client, people):
    client.force_login(people["reporter"])
    response = upload(client, csv_bytes("ENV-TREES,1001,2024-06,10,", "ENV-TREES,1002,2024-06,10,"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="confirm"' not in html and "Row 3, column district_code" in html
    response = client.post("/import/", {"action": "confirm", "digest": "anything"})
    assert response.status_code == 302
    assert value("ENV-TREES") is None


def test_an_unreadable_upload_gets_a_clear_message_not_a_server_error(client, people):
    client.force_login(people["reporter"])
    response = upload(client, b"PK\x03\x04garbage", "june.xlsx")
    assert response.status_code == 400
    assert "The Excel file could not be read" in response.content.decode()


def test_an_upload_over_5_mb_is_refused_with_a_message(client, people):
    client.force_login(people["reporter"])
    response = upload(client, HEADER.encode() + b"x" * (5 * 1024 * 1024))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_the_command_shows_a_progress_bar_on_large_files(people, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(*[f"ENV-TREES,{1001 + n % 50},2024-06,{n}," for n in range(1200)]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1150 with errors"):
        call_command("import_results", str(path), stdout=out)
    assert "checking [####################] 100% 1,200/1,200" in out.getvalue()


def test_a_verification_between_the_check_and_the_commit_is_not_undone(people, clock):
    trees, unit = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code="1001")
    record_result(target=trees, unit=unit, period=JUNE, value=555, by=people["reporter"])
    plan = plan_of(csv_bytes("ENV-TREES,1001,2024-06,999,"), people["coordinator"])
    assert plan.counts["changed"] == 1
    clock(2024, 6, 20, 9, 5)
    record_result(target=trees, unit=unit, period=JUNE, value=555, state="verified", by=people["host_verifier"])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        importing.commit(plan, people["coordinator"])
    assert error.value.messages == [
        "Row 2: This result was changed by someone else after the file was checked; check the file again.",
    ]
    result = Result.objects.get(target=trees, unit=unit, period=JUNE)
    assert (result.value, result.state) == (555, "verified")
