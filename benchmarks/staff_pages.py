"""Benchmark of the staff pages: a 10-target report grid and a 50-district verify page, read and saved.

Prints the median server time and the number of SQL queries of each request, on whatever database
``DATABASE_URL`` names (it must hold the reference and demo fixtures: ``make run`` or
``manage.py loaddata reference demo_meeting_2567``). Everything it writes — four extra targets so
that Phra Nakhon carries ten, its people, June 2024's results — happens inside one transaction
that is rolled back at the end: the database is left as it was. Not a test: it never fails on time.

    .venv/bin/python benchmarks/staff_pages.py [--repeat 9]
"""
import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tracker.org.models import Membership, Role, Unit  # noqa: E402
from tracker.reporting.grid import stamp  # noqa: E402
from tracker.targets.models import Allocation, Result, Target  # noqa: E402
from tracker.targets.recording import record_result  # noqa: E402

JUNE = datetime.date(2024, 6, 1)


def measure(label, request, repeat, before=None):
    """Run ``request`` ``repeat`` times (``before`` untimed before each); print median ms and queries."""
    times, queries = [], []
    for _ in range(repeat):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request()
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (label, response.status_code)
        queries.append(len(captured))
    print(f"{label:<52} {statistics.median(times):8.1f} ms {max(queries):6d} queries")


def setup():
    trees = Target.objects.get(code="ENV-TREES")
    districts = list(Unit.objects.districts())
    for n in range(1, 5):
        extra = Target.objects.create(
            code=f"BENCH-{n}", name_th=f"เป้าหมายทดสอบ {n}", host=trees.host, unit_of_measure="items",
            measure="cumulative", target_value=5000, fiscal_year=2567, start_date=trees.start_date,
            deadline=trees.deadline,
        )
        Allocation.objects.bulk_create(Allocation(target=extra, unit=d, value=100) for d in districts)
    User = get_user_model()
    reporter = User.objects.create(username="bench-reporter")
    Membership.objects.create(user=reporter, unit=Unit.objects.get(code="1001"), role=Role.REPORTER)
    verifier = User.objects.create(username="bench-verifier")
    Membership.objects.create(user=verifier, unit=trees.host, role=Role.VERIFIER)
    return trees, districts, reporter, verifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    repeat = parser.parse_args().repeat
    print(f"database: {connection.vendor}; {repeat} runs each")
    with transaction.atomic():
        trees, districts, reporter, verifier = setup()
        phra_nakhon = Unit.objects.get(code="1001")
        carried = list(Target.objects.carried_by(phra_nakhon, JUNE))

        as_reporter = Client()
        as_reporter.force_login(reporter)
        grid = "/report/1001/2024-06/"
        measure(f"report grid, {len(carried)} targets: open", lambda: as_reporter.get(grid), repeat)
        round_ = iter(range(1, 10_000))

        def submit():
            value = next(round_)
            data = {"action": "submit"}
            for target in carried:
                current = Result.objects.filter(target=target, unit=phra_nakhon, period=JUNE).first()
                data[f"seen-{target.pk}"] = stamp(current)
                data[f"value-{target.pk}"] = str(value)
                data[f"note-{target.pk}"] = "ทดสอบ"
            return lambda: as_reporter.post(grid, data)

        pending = {}
        measure(f"report grid, {len(carried)} targets: submit every cell", lambda: pending.pop("post")(), repeat,
                before=lambda: pending.update(post=submit()))

        as_verifier = Client()
        as_verifier.force_login(verifier)
        page = "/verify/ENV-TREES/2024-06/"

        def submit_all_districts():
            value = next(round_)
            for district in districts:
                record_result(target=trees, unit=district, period=JUNE, value=value, state="submitted", by=None)

        submit_all_districts()
        measure(f"verify page, {len(districts)} districts submitted: open", lambda: as_verifier.get(page), repeat)

        def verify_all():
            data = {"action": "verify_all"}
            for result in Result.objects.filter(target=trees, period=JUNE).select_related("unit"):
                data[f"seen-{result.unit.code}"] = stamp(result)
                data[f"action-{result.unit.code}"] = "leave"
            return lambda: as_verifier.post(page, data)

        def prepare():
            submit_all_districts()
            pending["post"] = verify_all()

        measure(f"verify page, {len(districts)} districts: verify all", lambda: pending.pop("post")(), repeat, before=prepare)
        assert Result.objects.filter(target=trees, period=JUNE, state="verified").count() == len(districts)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
