"""The README's production and benchmark recipes, run as the README writes them — only the
database address (and, for the server, the port) is this test's own: a path that breaks in
production mode, such as an HTTPS redirect in front of every benchmarked page, fails here."""
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from benchmarks.servers import free_port, stop

pytestmark = pytest.mark.slow
ROOT = settings.BASE_DIR
README = (ROOT / "README.md").read_text()


def block_with(command):
    """The README's ``sh`` block that runs ``command``, as one shell script."""
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if command in b]
    assert len(blocks) == 1, f"one README block runs {command!r}, found {len(blocks)}"
    return blocks[0]


def our_database(script, url):
    """The script with its PostgreSQL address replaced by ``url``, and the line that creates it
    there left out."""
    lines = [line for line in script.splitlines() if not line.startswith("psql ")]
    return re.sub(r"postgres://\S+", url, "\n".join(lines))


def environment(**extra):
    # The test run's own settings stay out: the recipes bring theirs.
    unset = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "BEHIND_PROXY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    return {**{k: v for k, v in os.environ.items() if k not in unset}, **extra}


def manage(database, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, capture_output=True,
                   env=environment(DEBUG="1", DATABASE_URL=database))


def test_the_benchmark_recipe_measures_every_page_in_production_mode(tmp_path):
    database = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    manage(database, "migrate", "--noinput")
    manage(database, "loaddata", "reference", "demo_meeting_2567")
    manage(database, "generate_scale_data", "--targets", "5", "--years", "1", "--districts", "5")

    run = subprocess.run(["bash", "-euc", our_database(block_with("make benchmark"), database)], cwd=ROOT,
                         env=environment(), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if re.match(r"^(overview|bureau|target|district|okrs|projects)", line)]
    statuses = {line[:34].strip(): line[34:].split()[0] for line in rows}
    assert set(statuses) >= {"overview (demo date)", "overview (today)", "bureau ENV", "target ENV-TREES",
                             "target ENV-TREES csv", "district 1001", "okrs", "projects"}
    assert set(statuses.values()) == {"200"}, statuses


def get(port, path, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "tracker.example.org", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_production_recipe_serves_behind_the_proxy(tmp_path):
    """``make serve`` as the README writes it: collectstatic, migrate and gunicorn in production mode."""
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    port = free_port()
    script = our_database(block_with("make serve"), f"sqlite:///{tmp_path / 'site.sqlite3'}")
    script = script.replace("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/9")  # not a live deployment's
    server = subprocess.Popen(
        ["bash", "-euc", script], cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=environment(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", XDG_RUNTIME_DIR=str(tmp_path)),
    )
    try:
        ends = time.monotonic() + 180
        while True:
            try:
                status, _, body = get(port, "/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                assert time.monotonic() < ends, "make serve did not answer within 3 minutes"
                time.sleep(0.5)
        assert (status, body) == (200, '{"database": "ok", "cache": "ok"}')
        status, headers, _ = get(port, "/", **{"X-Forwarded-Proto": "https"})  # what nginx says
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        status, headers, _ = get(port, "/okrs/")  # plain HTTP straight to gunicorn: to HTTPS
        assert (status, headers["Location"]) == (301, "https://tracker.example.org/okrs/")
        status, _, _ = get(port, "/", Host="evil.example.com", **{"X-Forwarded-Proto": "https"})
        assert status == 400  # not an allowed host
    finally:
        stop(server)
        urllib.request.install_opener(None)
