"""Load benchmark with writes: reporters saving their grids while anonymous readers cycle the pages.

N reporters (one per district, each logged in with its own session) each save one random cell of
their June 2024 grid every 0.5–2 s — the form as the browser posts it, stamps and all — while M
readers (ApacheBench, as in load.py) cycle the overview, bureau and target pages of FY 2567 as of
today, which every save makes stale. Then the same readers alone, for as long. Through nginx in front
of gunicorn (benchmarks/servers.py: the files of deploy/), the database of DATABASE_URL, the cache of
REDIS_URL. Prints reads/s, writes/s and p50/p95/p99 (ms) of each, errors (5xx, refused connections),
and, afterwards, whether every save that was acknowledged (302) is in the database with its
revision. Not a test: it never fails on time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python benchmarks/write_load.py --writers 10 --readers 100 --seconds 60
"""
import argparse
import http.cookiejar
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "1")  # this process only prepares the accounts and reads the results back

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from load import parse, run_ab  # noqa: E402
from servers import HOST, free_port, start_gunicorn, start_nginx, stop, wait_for  # noqa: E402
from tracker.org.models import District, Membership, Role  # noqa: E402
from tracker.targets.models import Result, ResultRevision  # noqa: E402

MONTH = "2024-06"
PASSWORD = "bench-reporter-password-1"
READ_PAGES = ["/?fy=2567", "/bureaus/ENV/?fy=2567", "/targets/ENV-TREES/"]


def accounts(count):
    """One reporter per district, the first ``count`` districts by code: (district code, username)."""
    made = []
    for district in District.objects.order_by("code")[:count]:
        user, _new = get_user_model().objects.get_or_create(username=f"bench-reporter-{district.code}")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, unit=district, role=Role.REPORTER)
        made.append((district.code, user.username))
    return made


def form_fields(html):
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', html, re.S).group(1)
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag and "disabled" not in tag and "readonly" not in tag:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = unescape(text)
    return fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Writer(threading.Thread):
    def __init__(self, base, code, username, ends, rng):
        super().__init__(daemon=True)
        self.base, self.code, self.username, self.ends, self.rng = base, code, username, ends, rng
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.times, self.acknowledged, self.refused, self.errors = [], {}, 0, 0

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def log_in(self):
        _status, html = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _html = self.request("/accounts/login/", {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD})
        assert status == 302, f"{self.username} could not log in: {status}"

    def run(self):
        self.log_in()
        grid = f"/report/{self.code}/{MONTH}/"
        while time.monotonic() < self.ends:
            time.sleep(self.rng.uniform(0.5, 2.0))
            status, html = self.request(grid)
            if status != 200:
                self.errors += 1
                continue
            fields = form_fields(html)
            cells = [name for name in fields if name.startswith("value-")]
            cell = self.rng.choice(cells)
            value = str(self.rng.randint(1, 99))
            fields[cell] = value
            started = time.perf_counter()
            status, _html = self.request(grid, {**fields, "action": "submit"})
            self.times.append((time.perf_counter() - started) * 1000)
            if status == 302:
                self.acknowledged[int(cell[len("value-"):])] = value
            elif status < 500:
                self.refused += 1  # told why on the page: a verified result, a value the target refuses
            else:
                self.errors += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def readers(base, clients, seconds):
    """ApacheBench's readers, niced: on this 2-core machine the load generator would otherwise take
    the cores from the server it measures (real readers are on their own machines)."""
    share = [clients // len(READ_PAGES) + (1 if i < clients % len(READ_PAGES) else 0) for i in range(len(READ_PAGES))]
    runs = [run_ab(base + path, n, seconds, "th", nice=True) for path, n in zip(READ_PAGES, share) if n]
    results = []
    for run in runs:
        output = run.communicate()[0]
        found = parse(output)
        # A page whose length changes (every save changes it) is a "failure" to ab: not an error.
        length = re.search(r"Length: (\d+)", output)
        found["failed"] -= float(length.group(1)) if length else 0
        results.append(found)
    return results


def summary(results):
    rps = sum(r["rps"] for r in results)
    errors = int(sum(r["failed"] + r["non2xx"] for r in results))
    worst = {p: max((r[p] or 0) for r in results) for p in ("p50", "p95", "p99")}
    return rps, errors, worst


def lost(writers):
    """Acknowledged saves that are not in the database as acknowledged, with a revision of that value."""
    missing = 0
    for writer in writers:
        for target_id, value in writer.acknowledged.items():
            result = Result.objects.filter(target_id=target_id, unit__code=writer.code, period=f"{MONTH}-01").first()
            if result is None or result.value != int(value) or not ResultRevision.objects.filter(
                result=result, value=int(value), state=Result.State.SUBMITTED,
            ).exists():
                missing += 1
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (default 5, as on 2 cores)")
    options = parser.parse_args()
    people = accounts(options.writers)
    gunicorn = nginx = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            gunicorn_port = free_port()
            gunicorn = start_gunicorn(gunicorn_port, options.workers, folder)
            wait_for(gunicorn_port, "/healthz")
            port = free_port()
            nginx = start_nginx(port, gunicorn_port, folder)
            wait_for(port, "/healthz")
            base = f"http://{HOST}:{port}"
            print(f"# nginx → gunicorn ({options.workers} sync workers), {options.writers} writers, "
                  f"{options.readers} readers, {options.seconds} s each run")
            ends = time.monotonic() + options.seconds
            writers = [Writer(base, code, name, ends, random.Random(i)) for i, (code, name) in enumerate(people)]
            for writer in writers:
                writer.start()
            with_writes = summary(readers(base, options.readers, options.seconds))
            for writer in writers:
                writer.join()
            read_only = summary(readers(base, options.readers, options.seconds))
        finally:
            stop(nginx)
            stop(gunicorn)
    saves = [t for w in writers for t in w.times]
    print(f"{'run':<22} {'reads/s':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, (rps, errors, worst) in (("readers alone", read_only), ("readers with writers", with_writes)):
        print(f"{name:<22} {rps:>8.1f} {errors:>6} {worst['p50']:>6.0f} {worst['p95']:>6.0f} {worst['p99']:>6.0f}")
    print(f"{'saves':<22} {len(saves) / options.seconds:>8.2f} {sum(w.errors for w in writers):>6} "
          f"{percentile(saves, 0.5):>6.0f} {percentile(saves, 0.95):>6.0f} {percentile(saves, 0.99):>6.0f}"
          f"   (writes/s; refused with a reason: {sum(w.refused for w in writers)})")
    print(f"reads/s with writers: {with_writes[0] / read_only[0] * 100 if read_only[0] else 0:.0f} % of the readers alone")
    print(f"acknowledged saves: {sum(len(w.acknowledged) for w in writers)} cells, lost or without their revision: {lost(writers)}")


if __name__ == "__main__":
    main()
