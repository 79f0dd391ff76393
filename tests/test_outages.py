"""Degrade, don't fall over: with the cache unreachable the pages are computed and served uncached
(the outage logged once, ``/healthz`` saying "degraded" with a 200 so that the server stays in
rotation); with the database unreachable the pages answer 503 with ``Retry-After`` and our own page.
Both recover without a restart. The test starts (and kills) its own Redis and its own PostgreSQL
cluster; the shared ones are never touched."""
import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache

from benchmarks.servers import free_port, start_gunicorn, stop, wait_for

pytestmark = pytest.mark.slow
POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def wait_until_listening(port, seconds=20):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def start_redis(port):
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_until_listening(port)
    return process


@pytest.fixture
def own_redis(settings):
    """A Redis of this test's own as the cache, the page cache on; yields (start, kill)."""
    assert shutil.which("redis-server"), "redis-server is needed (Debian's redis-server)"
    port = free_port()
    running = {"process": start_redis(port)}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    settings.PAGE_CACHE_SECONDS = 3600

    def kill():
        running["process"].kill()
        running["process"].wait()

    def start():
        running["process"] = start_redis(port)

    yield start, kill
    # The test's own cache goes first: what runs after the test (an emptying of the cache) must find one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    kill()


@pytest.mark.django_db
def test_a_cache_outage_serves_the_pages_uncached_and_recovers(client, own_redis, caplog):
    start, kill = own_redis
    url = "/targets/ENV-TREES/?as_of=2024-06-07"
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, no-cache"
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}

    kill()
    caplog.set_level(logging.INFO, logger="tracker.web.pages")
    pages = [client.get(url) for _ in range(3)]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert all(page.content == first.content for page in pages)  # computed again: the same figures
    health = client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"database": "ok", "cache": "degraded"})
    warnings = [r for r in caplog.records if r.name == "tracker.web.pages" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].getMessage().startswith("The cache failed (")

    start()
    assert client.get(url).content == first.content
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == ["The cache is back: pages are cached again"]
    assert any(key for key in cache._cache.get_client().keys("*page:*"))  # cached again


class PostgreSQL:
    """A PostgreSQL cluster of the test's own, in a temporary folder, run as the postgres user."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="tracker-pg-")
        os.chmod(self.folder, 0o777)
        self.data = f"{self.folder}/data"
        self.port = free_port()
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def run(self, program, *args):
        command = [str(POSTGRES_BIN / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", f"{self.folder}/log", "-w", "-o",
                 f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.skipif(POSTGRES_BIN is None, reason="PostgreSQL's programs are not installed")
def test_a_database_outage_answers_503_and_recovers_without_a_restart():
    database = PostgreSQL()
    server = None
    try:
        database.start()
        environment = {**os.environ, "DEBUG": "0", "SECRET_KEY": "outage-" + "k3y" * 20, "ALLOWED_HOSTS": "127.0.0.1",
                       "DATABASE_URL": database.url, "REDIS_URL": ""}
        for command in (["migrate", "--noinput"], ["loaddata", "reference"]):
            subprocess.run([".venv/bin/python", "manage.py", *command], env=environment, check=True, capture_output=True)
        port = free_port()
        server = start_gunicorn(port, 2, database.folder, DATABASE_URL=database.url, REDIS_URL="", DB_CONN_MAX_AGE="60")
        wait_for(port, "/healthz", seconds=60)
        assert get(port, "/bureaus/ENV/")[0] == 200

        database.stop()
        status, headers, html = get(port, "/bureaus/ENV/")
        assert (status, headers["Retry-After"], headers["Cache-Control"]) == (503, "30", "no-store")
        assert "<h1>ระบบไม่พร้อมให้บริการชั่วคราว</h1>" in html  # Thai, the default, without the database
        status, _, body = get(port, "/healthz")
        assert (status, json.loads(body)["database"]) == (503, "error")

        database.start()
        ends = time.monotonic() + 30
        while get(port, "/bureaus/ENV/")[0] != 200:  # the same gunicorn, its old connections gone
            assert time.monotonic() < ends, "the site did not come back within 30 s of the database"
            time.sleep(0.5)
        assert json.loads(get(port, "/healthz")[2]) == {"database": "ok", "cache": "ok"}
    finally:
        stop(server)
        database.remove()
