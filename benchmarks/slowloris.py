"""A bounded slowloris against 127.0.0.1, and what a normal reader sees meanwhile.

    .venv/bin/python benchmarks/slowloris.py --port 8000                # attack a server already running
    .venv/bin/python benchmarks/slowloris.py --compare                  # start and measure each set-up

Opens ``--sockets`` connections to 127.0.0.1 and sends a request's headers one byte every
``--interval`` seconds, never finishing them (a closed socket is opened again); meanwhile a normal
GET of ``--path`` every second, with a ``--timeout``. It stops by itself after ``--duration``
seconds and closes everything. Only 127.0.0.1: there is no option for another host. Counts and
times are capped (``MAX_SOCKETS``, ``MAX_DURATION``).

``--compare`` starts, on free local ports, gunicorn with deploy/gunicorn.conf.py exposed directly,
then the same gunicorn behind nginx with deploy/nginx/tracker-proxy.conf (benchmarks/servers.py), attacks each and prints
a table; it needs Debian's nginx and a database the app can read (DATABASE_URL, or db.sqlite3
after ``make run``). A benchmark: it prints figures and never fails on them.
"""
import argparse
import signal
import socket
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request

from servers import HOST, free_port, start_gunicorn, start_nginx, stop, wait_for

MAX_SOCKETS = 1000
MAX_DURATION = 300


def slow_socket(port, stop, interval, opened):
    """One slowloris connection: the request line, then a header byte every ``interval`` seconds."""
    header = b"GET /?slowloris HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris-benchmark\r\nX-Padding: "
    while not stop.is_set():
        try:
            with socket.create_connection((HOST, port), timeout=5) as sock:
                opened.append(1)
                for byte in header + b"a" * 10_000:
                    sock.sendall(bytes([byte]))
                    if stop.wait(interval):
                        return
        except OSError:
            # Closed by the server (a timeout, a killed worker): open another, as an attacker would.
            if stop.wait(0.5):
                return


def probe(port, path, timeout):
    """A normal reader's GET: seconds it took, or None when it got no answer within ``timeout``."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError:
        pass  # an answer all the same (503 from a health check on an empty database, say)
    except (OSError, TimeoutError):
        return None
    return time.monotonic() - started


def attack(port, sockets, interval, duration, path, timeout, warmup=5, quiet=False):
    """Attack for ``duration`` seconds while probing once a second; return the probes' results."""
    sockets, duration = min(sockets, MAX_SOCKETS), min(duration, MAX_DURATION)
    before = [probe(port, path, timeout) for _ in range(3)]
    stop, opened = threading.Event(), []
    threads = [
        threading.Thread(target=slow_socket, args=(port, stop, interval, opened), daemon=True)
        for _ in range(sockets)
    ]
    for thread in threads:
        thread.start()
    time.sleep(min(warmup, duration))  # let the slow sockets take their places
    during, ends = [], time.monotonic() + duration - min(warmup, duration)
    try:
        while time.monotonic() < ends:
            result = probe(port, path, timeout)
            during.append(result)
            if not quiet:
                print(f"  probe: {'timed out' if result is None else f'{result * 1000:.0f} ms'}", flush=True)
            time.sleep(max(0.0, 1 - (result or timeout)))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    return {"before": before, "during": during, "connections": len(opened)}


def summary(results):
    answered = [r for r in results["during"] if r is not None]
    return {
        "before_ms": statistics.median(r * 1000 for r in results["before"] if r is not None)
        if any(r is not None for r in results["before"]) else None,
        "probes": len(results["during"]),
        "answered": len(answered),
        "timed_out": len(results["during"]) - len(answered),
        "median_ms": statistics.median(answered) * 1000 if answered else None,
        "max_ms": max(answered) * 1000 if answered else None,
        "connections": results["connections"],
    }


def compare(options):
    rows = []
    gunicorn_port, nginx_port = free_port(), free_port()
    gunicorn = nginx = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            gunicorn = start_gunicorn(gunicorn_port, options.workers, folder)
            wait_for(gunicorn_port, options.path)
            for name, port in (("gunicorn sync, exposed directly", gunicorn_port), ("nginx → gunicorn sync", None)):
                if port is None:
                    nginx = start_nginx(nginx_port, gunicorn_port, folder)
                    port = nginx_port
                    wait_for(port, options.path)
                print(f"{name}: {options.sockets} slow sockets for {options.duration} s on port {port}", flush=True)
                rows.append((name, summary(attack(
                    port, options.sockets, options.interval, options.duration, options.path, options.timeout,
                    quiet=options.quiet,
                ))))
                time.sleep(2)  # the killed workers come back before the next round
        finally:
            stop(nginx)
            stop(gunicorn)
    print()
    print(f"{options.workers} sync workers; {options.sockets} slow sockets, a header byte every "
          f"{options.interval:g} s, {options.duration} s; a GET {options.path} every second, {options.timeout:g} s timeout")
    print()
    print("| set-up | before (median ms) | probes | answered | timed out | median ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, s in rows:
        fmt = lambda v: "–" if v is None else f"{v:.0f}"  # noqa: E731
        print(f"| {name} | {fmt(s['before_ms'])} | {s['probes']} | {s['answered']} | {s['timed_out']} "
              f"| {fmt(s['median_ms'])} | {fmt(s['max_ms'])} |")


def give_up(signum, frame):
    raise SystemExit("slowloris.py: still running well past its duration; stopped (servers stopped too)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, help="attack the server already listening on 127.0.0.1:PORT")
    parser.add_argument("--compare", action="store_true", help="start gunicorn alone, then behind nginx, and attack each")
    parser.add_argument("--sockets", type=int, default=50, help=f"slow connections (at most {MAX_SOCKETS}; default 50)")
    parser.add_argument("--interval", type=float, default=3, help="seconds between two header bytes (default 3)")
    parser.add_argument("--duration", type=int, default=40, help=f"seconds of attack (at most {MAX_DURATION}; default 40)")
    parser.add_argument("--path", default="/healthz", help="what the normal reader asks for (default /healthz)")
    parser.add_argument("--timeout", type=float, default=5, help="the normal reader's patience in seconds (default 5)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers with --compare (default 5, as on 2 cores)")
    parser.add_argument("--quiet", action="store_true", help="no line per probe")
    options = parser.parse_args()
    if options.sockets > MAX_SOCKETS or options.duration > MAX_DURATION:
        parser.error(f"at most {MAX_SOCKETS} sockets for {MAX_DURATION} s")
    # Whatever happens, the script stops by itself: a hard deadline on top of --duration.
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(3 * options.duration + 180)
    if options.compare:
        compare(options)
    elif options.port:
        s = summary(attack(options.port, options.sockets, options.interval, options.duration, options.path,
                           options.timeout, quiet=options.quiet))
        print(s)
    else:
        parser.error("give --port or --compare")


if __name__ == "__main__":
    main()
