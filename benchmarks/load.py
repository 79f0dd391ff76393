"""Load benchmark: concurrent clients on a mix of the overview, bureau, target and district pages.

Runs ApacheBench (`ab`, Debian's apache2-utils), one `ab` per page at the same time, the clients
shared out between them, for each level of concurrency. Prints requests per second, failures and
the 50th/95th/99th percentiles (ms) per page and for the mix (the worst page's percentile: an upper
bound). Only 127.0.0.1 or localhost. Not a test: it never fails on time.

Against a server already running (`make serve` with PostgreSQL and Redis, docs/production.md):

    .venv/bin/python benchmarks/load.py --base http://127.0.0.1:8000 --clients 10 50 100 --seconds 60

or let it start the production set-up itself on free ports (benchmarks/servers.py: gunicorn with
deploy/gunicorn.conf.py, behind nginx with deploy/nginx/ — or exposed directly with `--start
gunicorn`; `--no-page-cache` sets PAGE_CACHE_SECONDS=0), with the database of DATABASE_URL and the
cache of REDIS_URL:

    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python benchmarks/load.py --start nginx
"""
import argparse
import re
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

from servers import HOST, free_port, start_gunicorn, start_nginx, stop, wait_for

PAGES = {
    "overview": "/?as_of=2024-06-07",
    "bureau": "/bureaus/ENV/?as_of=2024-06-07",
    "target": "/targets/ENV-TREES/?as_of=2024-06-07",
    "district": "/districts/1001/?as_of=2024-06-07",
}


def run_ab(url, clients, seconds, language, nice=False):
    command = (["nice", "-n", "10"] if nice else []) + ["ab", "-q", "-t", str(seconds), "-n", "10000000", "-c", str(clients), "-s", "30",
               "-H", f"Accept-Language: {language}", url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def parse(output):
    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    percentiles = {int(p): float(ms) for p, ms in re.findall(r"^\s+(\d+)%\s+(\d+)", output, re.M)}
    return {
        "complete": number(r"Complete requests:\s+(\d+)"),
        "failed": number(r"Failed requests:\s+(\d+)"),
        "non2xx": number(r"Non-2xx responses:\s+(\d+)"),
        "rps": number(r"Requests per second:\s+([\d.]+)"),
        "p50": percentiles.get(50), "p95": percentiles.get(95), "p99": percentiles.get(99),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="a server already running (without --start)")
    parser.add_argument("--start", choices=["nginx", "gunicorn"], help="start gunicorn, behind nginx or exposed directly")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers with --start (default 5, as on 2 cores)")
    parser.add_argument("--no-page-cache", action="store_true", help="with --start: PAGE_CACHE_SECONDS=0")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--language", default="th")
    options = parser.parse_args()
    if not options.start:
        return measure(options)
    gunicorn = nginx = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            gunicorn_port = free_port()
            extra = {"PAGE_CACHE_SECONDS": "0"} if options.no_page_cache else {}
            gunicorn = start_gunicorn(gunicorn_port, options.workers, folder, **extra)
            wait_for(gunicorn_port, "/healthz")
            port = gunicorn_port
            if options.start == "nginx":
                port = free_port()
                nginx = start_nginx(port, gunicorn_port, folder)
                wait_for(port, "/healthz")
            options.base = f"http://{HOST}:{port}"
            print(f"# {options.start}{' → gunicorn' if nginx else ''}, {options.workers} sync workers, page cache "
                  f"{'off' if options.no_page_cache else 'on'}, {options.seconds} s per level")
            measure(options)
        finally:
            stop(nginx)
            stop(gunicorn)


def measure(options):
    if urlsplit(options.base).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("load tests only run against this machine (127.0.0.1 / localhost)")
    print(f"{'clients':>7} {'page':<9} {'req/s':>7} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for clients in options.clients:
        share = [clients // len(PAGES) + (1 if i < clients % len(PAGES) else 0) for i in range(len(PAGES))]
        runs = {name: run_ab(options.base + path, n, options.seconds, options.language)
                for (name, path), n in zip(PAGES.items(), share) if n}
        results = {name: parse(run.communicate()[0]) for name, run in runs.items()}
        for name, r in results.items():
            print(f"{clients:>7} {name:<9} {r['rps']:>7.1f} {int(r['failed'] + r['non2xx']):>6} "
                  f"{r['p50'] or 0:>6.0f} {r['p95'] or 0:>6.0f} {r['p99'] or 0:>6.0f}")
        total = sum(r["rps"] for r in results.values())
        errors = int(sum(r["failed"] + r["non2xx"] for r in results.values()))
        worst = {p: max((r[p] or 0) for r in results.values()) for p in ("p50", "p95", "p99")}
        print(f"{clients:>7} {'mix':<9} {total:>7.1f} {errors:>6} {worst['p50']:>6.0f} {worst['p95']:>6.0f} {worst['p99']:>6.0f}")


if __name__ == "__main__":
    main()
