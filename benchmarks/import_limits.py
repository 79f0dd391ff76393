"""Benchmark of the import's budgets: files as large as the page takes, read and checked, and one refused.

Prints, for each file, its size and rows, the seconds of reading it and of checking it (with the
SQL queries) and, in a separate untimed pass, the peak Python memory of both (tracemalloc):

- a CSV of 20,000 plausible rows (the row budget) with a Thai note on each, about 5 MB (the
  upload budget), and its first 12,000 rows (the size of ``import_results.py``'s file);
- an XLSX of the same rows written by openpyxl (shared strings, as Excel writes them) with longer
  notes, about 5 MB, and its first 12,000 rows;
- a 5 MB CSV of 160,000 short rows, refused at the row budget.

The target is a 5 MB file checked within 5 s. The targets, allocations and reopened months are
those of ``import_results.py`` (the last complete fiscal year), made inside one transaction rolled
back at the end: the database is left as it was. It must hold the reference and demo fixtures.
Not a test: it never fails on time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_demo .venv/bin/python benchmarks/import_limits.py
"""
import argparse
import datetime
import io
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_results import setup  # noqa: E402 — also sets Django up

import openpyxl  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from tracker.lib import fiscal  # noqa: E402
from tracker.reporting import importing  # noqa: E402

# Words of problems and obstacles, drawn at random so that the notes compress as real ones do.
WORDS = (
    "ต้นไม้ ปลูก สวนสาธารณะ ชุมชน ถนน ซอย คลอง ขยะ จุดทิ้งขยะ งบประมาณ ล่าช้า ฝนตก น้ำท่วม ผู้รับจ้าง "
    "ประสานงาน สำนักงานเขต เจ้าหน้าที่ อุปกรณ์ ชำรุด ซ่อมแซม ประชาชน ร้องเรียน แก้ไข ดำเนินการ แล้วเสร็จ "
    "อยู่ระหว่าง จัดซื้อ จัดจ้าง พื้นที่ เอกชน ขออนุญาต ตรวจสอบ รายงาน เดือน สัปดาห์ ครั้ง แห่ง ต้น ตัน"
).split()


def rows_of(targets, districts, months, count):
    """``count`` rows (target, district, BE month, value), every one new and within the rules."""
    rows = []
    for target in targets:
        for district in districts:
            for i, month in enumerate(months):
                rows.append((target.code, district.code, f"{fiscal.to_be(month.year)}-{month.month:02d}", (i + 1) * 10))
                if len(rows) == count:
                    return rows
    return rows


def note(rnd, words):
    return " ".join(rnd.choice(WORDS) for _ in range(words))


def csv_of(rows, words):
    rnd = random.Random(1)
    out = io.StringIO()
    out.write("target_code,district_code,month,value,note\n")
    for row in rows:
        out.write(",".join(map(str, row)) + f",{note(rnd, words)}\n")
    return out.getvalue().encode("utf-8")


def xlsx_of(rows, words):
    rnd = random.Random(2)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["target_code", "district_code", "month", "value", "note"])
    for row in rows:
        sheet.append([*row, note(rnd, words)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure(label, data, name, user):
    everyone = importing.Anyone()
    try:
        started = time.perf_counter()
        table = importing.read(data, name)
        reading = time.perf_counter() - started
    except importing.FileError as error:
        reading = time.perf_counter() - started
        checking, queries, outcome = 0, 0, f"refused: {' '.join(error.messages)[:70]}…"
    else:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            plan = importing.check(table, user, permissions=everyone)
            checking = time.perf_counter() - started
        queries = len(captured)
        outcome = f"{len(plan.rows):,} rows, {plan.counts['new']:,} new, {plan.counts['error']:,} with errors"
    tracemalloc.start()
    try:
        try:
            importing.check(importing.read(data, name), user, permissions=everyone)
        except importing.FileError:
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"{label:<30} {len(data) / 2**20:5.2f} MB  read {reading:5.2f} s + check {checking:5.2f} s "
          f"= {reading + checking:5.2f} s {queries:2d} queries, peak {peak / 2**20:5.1f} MB  {outcome}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-words", type=int, default=11, help="words in each note of the CSV (default: ~5 MB)")
    parser.add_argument("--xlsx-words", type=int, default=130, help="words in each note of the XLSX (default: ~5 MB)")
    options = parser.parse_args()
    translation.activate("en")  # the refusals printed as an English reader reads them
    year = fiscal.fiscal_year(datetime.date.today()) - 1
    print(f"database: {connection.vendor}; fiscal year {year}; budgets: {importing.MAX_RESULT_ROWS:,} rows, "
          f"{importing.MAX_CELLS:,} cells, {importing.MAX_UPLOAD_BYTES / 2**20:.0f} MB")
    with transaction.atomic():
        user = get_user_model().objects.create(username="bench-importer", is_active=False)
        targets, districts, months = setup(-(-importing.MAX_RESULT_ROWS // (50 * 12)), year)
        rows = rows_of(targets, districts, months, importing.MAX_RESULT_ROWS)
        measure("CSV, 20,000 rows with notes", csv_of(rows, options.csv_words), "bench.csv", user)
        measure("CSV, 12,000 rows with notes", csv_of(rows[:12_000], options.csv_words), "bench.csv", user)
        measure("XLSX, 20,000 rows with notes", xlsx_of(rows, options.xlsx_words), "bench.xlsx", user)
        measure("XLSX, 12,000 rows with notes", xlsx_of(rows[:12_000], options.xlsx_words), "bench.xlsx", user)
        short = (b"target_code,district_code,month,value,note\n"
                 + b"".join(f"{t},{d},{m},{v},\n".encode() for t, d, m, v in rows) * 8)[:importing.MAX_UPLOAD_BYTES]
        measure("CSV, 160,000 rows (refused)", short[:short.rfind(b"\n") + 1], "big.csv", user)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
