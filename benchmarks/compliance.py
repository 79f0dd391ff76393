"""Benchmark of the compliance page (who has reported) and its CSV/XLSX download.

Prints the median server time and the number of SQL queries of each request, on whatever database
``DATABASE_URL`` names — at city scale after ``manage.py generate_scale_data`` (its default size),
or on the demo data. A coordinator is created inside a transaction that is rolled back at the end:
the database is left as it was. Not a test: it never fails on time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/compliance.py [--repeat 5]
"""
import argparse
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
from tracker.reporting.compliance import default_month  # noqa: E402
from tracker.targets.models import Result, Target  # noqa: E402


def measure(label, client, url, repeat):
    times, queries, size = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries.append(len(captured))
        size = len(content)
    print(f"{label:<34} {statistics.median(times):8.0f} ms {max(queries):4d} queries {size / 1024:8.0f} KiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    print(f"database: {connection.vendor}; {Target.objects.count()} targets, {Result.objects.count():,} results")
    with transaction.atomic():
        user = get_user_model().objects.create(username="bench-coordinator-compliance")
        Membership.objects.create(user=user, unit=Unit.objects.exclude(kind=Unit.Kind.DISTRICT).first(), role=Role.COORDINATOR)
        client = Client(HTTP_ACCEPT_LANGUAGE="th")
        client.force_login(user)
        month = f"{default_month():%Y-%m}"
        base = f"/compliance/{month}/"
        measure(f"page {base}", client, base, options.repeat)
        measure("download CSV", client, base + "?_export=csv", options.repeat)
        measure("download XLSX", client, base + "?_export=xlsx", options.repeat)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
