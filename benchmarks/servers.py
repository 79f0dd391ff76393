"""Start the production set-up on free local ports for a benchmark: gunicorn with
deploy/gunicorn.conf.py, and nginx in front of it with deploy/nginx/tracker-proxy.conf and the page
store of deploy/nginx/tracker-cache.conf — the files docs/production.md installs, not copies.
Used by slowloris.py and load.py; 127.0.0.1 only.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def answers(port, path, timeout=2):
    """Whether anything answers a GET of ``path`` on ``port`` within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError:
        return True  # an answer all the same (503 from a health check on an empty database, say)
    except (OSError, TimeoutError):
        return False
    return True


def wait_for(port, path, seconds=60):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if answers(port, path):
            return
        time.sleep(0.5)
    raise SystemExit(f"nothing answered on {HOST}:{port} within {seconds} s")


def start_gunicorn(port, workers, folder, **environment):
    """gunicorn in production mode (``DEBUG=0``) on ``port``, static files collected first.
    ``environment`` adds or overrides variables (``PAGE_CACHE_SECONDS="0"``, say)."""
    env = {
        **os.environ, "DEBUG": "0", "SECRET_KEY": os.getenv("SECRET_KEY", "benchmark-" + "x1y2z3" * 10),
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers),
        "XDG_RUNTIME_DIR": str(folder),  # gunicorn's control socket, away from any other gunicorn's
        **environment,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "tracker.wsgi"], cwd=BASE_DIR, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def start_nginx(port, upstream_port, folder):
    """nginx in the foreground on ``port``, proxying to ``upstream_port`` as deploy/nginx says; its
    page store lives in ``folder`` (the one line of tracker-cache.conf that names a path)."""
    folder = Path(folder)
    store = (BASE_DIR / "deploy" / "nginx" / "tracker-cache.conf").read_text()
    store = store.replace("/var/cache/nginx/tracker", str(folder / "cache"))
    (folder / "tracker-cache.conf").write_text(store)
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    if os.geteuid() == 0:
        os.chmod(folder, 0o777)  # nginx's workers (nobody) write their temporary files and the store
    config = folder / "nginx.conf"
    config.write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/tracker-cache.conf;
    upstream tracker_app {{ server {HOST}:{upstream_port} fail_timeout=0; }}
    server {{
        listen {HOST}:{port};
        include {BASE_DIR / "deploy" / "nginx" / "tracker-proxy.conf"};
    }}
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
