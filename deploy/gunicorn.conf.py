"""Gunicorn's settings for the tracker (``gunicorn -c deploy/gunicorn.conf.py tracker.wsgi``).

Sync workers, because nginx sits in front and buffers: it reads each request whole before passing
it on and takes the response whole, so a worker is busy only while Django works, never while a
slow (or malicious: slowloris) client dribbles bytes. Exposed directly, the same workers are
tied up by a handful of such clients — see benchmarks/README.md for the measurement.
Every value can be overridden from the environment (GUNICORN_CMD_ARGS, or the variables below).
"""
import multiprocessing
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")

# (2 × cores) + 1: on the 2-core machine, 5 processes. The pages are mostly waiting on PostgreSQL,
# so one more process than CPU-bound work would need keeps both cores busy.
workers = int(os.getenv("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# The brief's PDF (WeasyPrint) and a 12,000-row import take seconds; nothing takes a minute.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# nginx speaks HTTP/1.0 to us and closes the connection: no keep-alive to hold a worker.
keepalive = 2

# WeasyPrint and openpyxl keep memory once used: a worker is replaced after about 20,000 requests,
# at staggered times so that they are not all restarting at once. Not much sooner: a replaced
# worker opens new database and cache connections, and under a meeting room's load (~1,000
# requests/s) replacing one every second (max_requests 1,000) tripled the 99th percentile
# (benchmarks/README.md).
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000

# Load Django once in the master: workers start faster and share memory pages. Database
# connections are opened lazily in each worker, never inherited.
preload_app = True



def when_ready(server):
    """In the master, once Django is loaded: compile the templates and load the catalogues, so a
    new or replaced worker does not do it on its first requests (tracker/warmup.py)."""
    from tracker.warmup import warm_up

    server.log.info("warm-up: %d templates compiled", warm_up())


# X-Forwarded-Proto is believed from the local nginx only.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Requests and their headers above these sizes are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# nginx logs every request; gunicorn logs its own events (starts, timeouts, crashes) as JSON on
# stderr, like Django's (journald keeps both).
accesslog = os.getenv("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tracker.logs.JsonFormatter"}},
    # gunicorn's own defaults are replaced whole (a shallow merge): both its handler names are kept.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"},
        "error_console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
