"""Benchmark of the import: a 12,000-row file (50 districts × 20 targets × 12 months) checked and committed.

Prints the seconds, SQL queries and peak Python memory (tracemalloc, in a separate untimed pass)
of reading + checking the file and of committing it, then of importing the same file again (all
unchanged), on whatever database ``DATABASE_URL`` names (it must hold the reference and demo
fixtures). The 20 targets, their allocations and every result are written inside one transaction
rolled back at the end: the database is left as it was. The targets belong to the last complete
fiscal year, whose months are reopened inside the transaction if closed. Not a test: it never
fails on time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_demo .venv/bin/python benchmarks/import_results.py
"""
import argparse
import datetime
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tracker.lib import fiscal  # noqa: E402
from tracker.org.models import Unit  # noqa: E402
from tracker.reporting import importing  # noqa: E402
from tracker.targets.models import Allocation, ClosedMonth, Result, Target  # noqa: E402


def setup(targets, year):
    host = Unit.objects.get(code="ENV")
    districts = list(Unit.objects.districts())
    start, end = fiscal.fiscal_year_bounds(year)
    made = []
    for n in range(1, targets + 1):
        target = Target.objects.create(
            code=f"BENCH-IMPORT-{n}", name_th=f"เป้าหมายทดสอบนำเข้า {n}", host=host, unit_of_measure="items",
            measure="cumulative", target_value=100_000, fiscal_year=year, start_date=start, deadline=end,
        )
        Allocation.objects.bulk_create(Allocation(target=target, unit=d, value=1000) for d in districts)
        made.append(target)
    ClosedMonth.objects.filter(period__gte=start, period__lte=end).delete()
    return made, districts, fiscal.fiscal_months(year)


def file_of(targets, districts, months, offset=0):
    out = io.StringIO()
    out.write("target_code,district_code,month,value,note\n")
    for target in targets:
        for district in districts:
            for i, month in enumerate(months):
                out.write(f"{target.code},{district.code},{fiscal.to_be(month.year)}-{month.month:02d},{(i + 1) * 10 + offset},\n")
    return out.getvalue().encode("utf-8")


def timed(label, work):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:7.2f} s {len(queries):6d} queries")
    return result


def traced(label, work):
    tracemalloc.start()
    try:
        result = work()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"{label:<44} peak {peak / 1024 / 1024:7.1f} MB (tracemalloc)")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=20)
    options = parser.parse_args()
    year = fiscal.fiscal_year(datetime.date.today()) - 1
    print(f"database: {connection.vendor}; fiscal year {year}")
    everyone = importing.Anyone()
    with transaction.atomic():
        user = get_user_model().objects.create(username="bench-importer", is_active=False)
        targets, districts, months = setup(options.targets, year)
        data = file_of(targets, districts, months)
        rows = len(targets) * len(districts) * len(months)
        print(f"file: {rows:,} rows, {len(data) / 1024:.0f} KB")

        def check():
            return importing.check(importing.read(data, "bench.csv"), user, permissions=everyone)

        savepoint = transaction.savepoint()
        traced("read + check (new rows)", check)
        traced("commit", lambda: importing.commit(check(), user))
        transaction.savepoint_rollback(savepoint)

        plan = timed("read + check, 12 months new", check)
        assert plan.counts["new"] == rows, plan.counts
        counts = timed("commit (bulk insert + revisions)", lambda: importing.commit(plan, user))
        assert counts["new"] == rows, counts
        assert Result.objects.filter(target__in=targets).count() == rows
        again = timed("read + check the same file again", check)
        assert again.counts["unchanged"] == rows, again.counts
        timed("commit again (all unchanged, writes nothing)", lambda: importing.commit(again, user))
        changed = file_of(targets, districts, months, offset=1)
        plan = timed("read + check, every value changed", lambda: importing.check(importing.read(changed, "b.csv"), user, permissions=everyone))
        counts = timed("commit (bulk update + revisions)", lambda: importing.commit(plan, user))
        assert counts["changed"] == rows, counts
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
