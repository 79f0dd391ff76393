"""Benchmark: server time of each page next to the time of the raw SQL aggregate it needs.

Not a test: it prints figures and never fails on timing. Run it on PostgreSQL with the
city-scale dataset loaded (see benchmarks/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/pages.py --setup
"""
import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from tracker.web.versions import bump  # noqa: E402
from tracker.lib import fiscal  # noqa: E402
from tracker.org.models import Unit  # noqa: E402
from tracker.targets.models import Target  # noqa: E402

PER_UNIT = """
    SELECT r.target_id, r.unit_id, SUM(r.value), MAX(r.period), MAX(r.entered_at)
    FROM targets_result r JOIN targets_target t ON t.id = r.target_id
    WHERE {where} AND r.period <= %s
    GROUP BY r.target_id, r.unit_id
"""


def timings_ms(run, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def median_ms(run, repeat):
    return statistics.median(timings_ms(run, repeat))


class QueryCounter:
    """Counts the SQL statements run inside it (Django's query log is reset at each request start)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def sql_runner(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def setup():
    call_command("migrate", verbosity=0)
    if not Target.objects.filter(code="ENV-TREES").exists():
        call_command("loaddata", "reference", "demo_meeting_2567", verbosity=0)
    if not Target.objects.filter(code__startswith="SCALE-").exists():
        started = time.perf_counter()
        call_command("generate_scale_data")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"generate_scale_data: {time.perf_counter() - started:.1f} s, peak resident memory {peak:.0f} MB\n")


def pages(as_of):
    """(name, URL, raw SQL, params) for each page."""
    env = Unit.objects.get(code="ENV")
    scale = Target.objects.filter(code__startswith="SCALE-").order_by("-fiscal_year", "code").first()
    overview_year = Target.objects.year_in_view(as_of)
    demo = f"?as_of={as_of.isoformat()}"
    month = fiscal.month_start(as_of)
    rows = [
        ("overview (demo date)", f"/{demo}", PER_UNIT.format(where="t.fiscal_year = %s"), [2567, month]),
        ("overview (today)", "/", PER_UNIT.format(where="t.fiscal_year = %s"), [overview_year, fiscal.month_start(as_of.today())]),
        ("bureau ENV", f"/bureaus/ENV/{demo}", PER_UNIT.format(where="t.host_id = %s AND t.fiscal_year = %s"), [env.pk, 2567, month]),
        ("target ENV-TREES", f"/targets/ENV-TREES/{demo}", PER_UNIT.format(where="t.code = %s"), ["ENV-TREES", month]),
        ("target ENV-TREES csv", f"/targets/ENV-TREES/{demo}&_export=csv", PER_UNIT.format(where="t.code = %s"), ["ENV-TREES", month]),
        ("district 1001", f"/districts/1001/{demo}", PER_UNIT.format(where="t.fiscal_year = %s"), [2567, month]),
        ("okrs", "/okrs/", "SELECT * FROM okrs_okr ORDER BY code LIMIT 50", []),
        ("projects", "/projects/", "SELECT * FROM okrs_project ORDER BY code LIMIT 50", []),
    ]
    if scale:
        rows.insert(5, (f"target {scale.code}", f"/targets/{scale.code}/", PER_UNIT.format(where="t.code = %s"),
                        [scale.code, fiscal.month_start(as_of.today())]))
        rows.insert(6, (f"bureau {scale.host.code} (scale)", f"/bureaus/{scale.host.code}/",
                        PER_UNIT.format(where="t.host_id = %s AND t.fiscal_year = %s"), [scale.host_id, scale.fiscal_year, fiscal.month_start(as_of.today())]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="migrate, load the fixtures and generate the scale data if missing")
    parser.add_argument("--repeat", type=int, default=15, help="requests per page (median and fastest reported)")
    parser.add_argument("--as-of", default="2024-06-07", help="date for the demo pages")
    args = parser.parse_args()
    if args.setup:
        setup()
    import datetime

    as_of = datetime.date.fromisoformat(args.as_of)
    with connection.cursor() as cursor:
        counts = {}
        for table in ("targets_target", "targets_allocation", "targets_result", "okrs_project"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    print(f"database: {connection.vendor}; " + ", ".join(f"{t}: {n:,}" for t, n in counts.items()))
    print("cold: the page cache off (PAGE_CACHE_SECONDS=0), every request computed and rendered; warm: served")
    print("from the page cache (the first request fills it); ms: median (fastest) of --repeat requests")
    print("after write: the next request after a result is written (the data version advanced as a result write")
    print("advances it: pages and figures as of today computed again, those of a settled day kept)")
    print(f"{'page':<34} {'status':>6} {'cold ms':>16} {'queries':>8} {'warm ms':>8} {'after write':>11} {'raw SQL ms':>11}")
    client = Client()
    for name, url, sql, params in pages(as_of):
        with override_settings(PAGE_CACHE_SECONDS=0):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                response = client.get(url, secure=True)
            if response.status_code != 200:
                print(f"{name:<34} {response.status_code:>6}")
                continue
            cold = timings_ms(lambda: client.get(url, secure=True), args.repeat)
        cache.clear()
        client.get(url, secure=True)  # fills the page cache
        warm = median_ms(lambda: client.get(url, secure=True), args.repeat)
        written = timings_ms(lambda: (bump(past=False), client.get(url, secure=True)), args.repeat)
        sql_ms = median_ms(sql_runner(sql, params), args.repeat)
        cold_text = f"{statistics.median(cold):.1f} ({min(cold):.1f})"
        print(f"{name:<34} {response.status_code:>6} {cold_text:>16} {counter.count:>8} {warm:>8.1f}"
              f" {statistics.median(written):>11.1f} {sql_ms:>11.1f}")


if __name__ == "__main__":
    main()
