"""Settings for the tracker, read from environment variables.

Development defaults (SQLite in the project folder, DEBUG on) let a fresh clone run with no
other service. Production (``DEBUG=0``) refuses to start without ``SECRET_KEY`` and
``ALLOWED_HOSTS``. PostgreSQL is selected with ``DATABASE_URL``.
"""
import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.getenv(name, default)
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name, default):
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name, default=""):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# Production unless told otherwise: a launch that forgets DEBUG (gunicorn by hand, a container)
# must not run with a public key and Django's technical pages. `make run` and `make test` set DEBUG=1.
DEBUG = envbool("DEBUG", "0")

DEVELOPMENT_KEY = "development-only-key-never-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production mode (DEBUG is off unless DEBUG=1): "
            "e.g. SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if SECRET_KEY == DEVELOPMENT_KEY:
        raise ImproperlyConfigured("SECRET_KEY is the development key, which is public: set a secret one in production mode")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set in production mode (DEBUG is off unless DEBUG=1): "
            "the site's host names, comma-separated"
        )

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tracker.admin_site.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "axes",
    "simple_history",
    "csp",
    "tracker.org",
    "tracker.targets",
    "tracker.okrs",
    "tracker.dashboard",
    "tracker.reporting",
    "tracker.meetings",
    "tracker.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.org.middleware.dashboard_login_middleware",
    "tracker.org.middleware.signed_in_middleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.org.context_processors.staff",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.getenv("TEST_DATABASE_NAME", "test_tracker")
    # PostgreSQL's JIT compiler is for long analytic queries: on the pages' aggregates its planner
    # estimate (inflated by the never-run "value as of" subquery) bought 320 ms of compiling for a
    # 70 ms query. Off for our connections; PG_JIT=on turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={os.getenv('PG_JIT', 'off')}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Computed pages are cached, keyed by the data version every write advances (tracker/web):
# Redis when REDIS_URL is set (shared by every app server), this process's memory otherwise.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "3600")

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A session ends after this long without a request: a working day by default
# (tracker/org/middleware.py moves its end with each request).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "480") * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "dashboard:overview"
# The dashboards are public unless this is on; staff pages always need a log-in.
DASHBOARD_REQUIRES_LOGIN = envbool("DASHBOARD_REQUIRES_LOGIN", "0")
# Behind nginx (deploy/nginx) on the same machine: its X-Forwarded-Proto and X-Forwarded-For are
# believed from these addresses only (tracker/lib/addresses.py; the HTTPS header in production).
BEHIND_PROXY = envbool("BEHIND_PROXY", "0")
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "127.0.0.1,::1")
for _network in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must be addresses or networks, got {_network!r}") from None
# Lock-out after failed log-ins: an account from one address. Ten wrong passwords for an account
# lock that account at that address only; the same person elsewhere and every other account at that
# address (50 district offices behind one NAT) still log in.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "10")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tracker.lib.addresses.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password spraying (a few tries at many accounts) is slowed by a budget of failed log-ins per
# address and window, kept in the cache (django-ratelimit): over it, that address waits for the
# window's end (429 with Retry-After). Only failures count, so colleagues behind one NAT logging in
# never use it up; a cache outage lets log-ins through (the account lock-out still holds).
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "30")
LOGIN_FAILURES_WINDOW_MINUTES = envint("LOGIN_FAILURES_WINDOW_MINUTES", "10")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Thai first, English second.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Absolute links in emails (reminders) start with this.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A unit is not reminded twice of the same month within this many hours.
REMINDER_INTERVAL_HOURS = envint("REMINDER_INTERVAL_HOURS", "24")
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "webmaster@localhost")

DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# Security headers and HTTPS (docs/production.md). Django's defaults already send
# X-Content-Type-Options: nosniff, Referrer-Policy: same-origin and Cross-Origin-Opener-Policy:
# same-origin; they are spelled out so that nobody loses them by accident.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind nginx (or a load balancer) that ends TLS and says so in X-Forwarded-Proto. Only when
    # the app server is reachable by the proxy alone: otherwise anyone could claim HTTPS.
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    # A load balancer's probe speaks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # A year, as browsers' preload lists ask; start lower (3600) on a first deployment.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")
    LANGUAGE_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): every script, stylesheet, font and image from our own
# origin; no inline script, no inline <style>, no style attribute (bar widths and the tile map's
# places are classes: static/css/positions.css). Charts draw on canvas and set sizes through the
# CSSOM, which a CSP does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# One JSON object per line on stderr (journald keeps it): errors of django.request with the
# request's method, path and status and the traceback, and our own loggers (tracker.*).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tracker.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers (plain text, mail to ADMINS) are replaced: its records reach the
        # root's JSON handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "tracker": {"level": os.getenv("APP_LOG_LEVEL", "INFO")},
    },
}
