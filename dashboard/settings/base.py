"""Settings read from the environment, with safe embedded defaults for local use (SQLite, local sandbox).

Every variable is listed, with a comment, in `.env.example`. Production hardening lives in
`dashboard.settings.production`, which imports this module and refuses to start without real secrets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dashboard.core import security as _security

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BILLING_DESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


# A fixed development key keeps local sessions alive across restarts; production refuses it.
DEV_SECRET_KEY = "dev-only-insecure-key-billing-desk-never-use-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "template_partials",
    "dashboard.core",
    "dashboard.accounts",
    "dashboard.payment_tokens",
    "dashboard.ledger",
    "dashboard.invoices",
    "dashboard.audit",
    "dashboard.statements",
    "django_tasks",
    "django_tasks_db",
    # Development only: the `nexudus_sandbox` command. The sandbox shares no state with the dashboard, and
    # production settings drop it (it is not part of the built wheel either).
    "sandbox",
]

MIDDLEWARE = [
    # First, so the request id exists for everything below and the logged duration covers the whole stack.
    "dashboard.runtime.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy and Permissions-Policy of every response (dashboard.core.security).
    "csp.middleware.CSPMiddleware",
    "dashboard.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.accounts.middleware.NexudusSessionMiddleware",
    "dashboard.core.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
# The menu bar: (URL name, label), in order. Settings compose the features; core names none of them.
NAVIGATION = (
    ("invoices:home", "Invoice lookup"),
    ("payment_tokens:list", "Payment tokens"),
    ("ledger:list", "Ledger entries"),
    ("statements:upload", "Bank statements"),
    ("audit:list", "Audit"),
)
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.core.context_processors.shell",
                "dashboard.accounts.context_processors.write_permissions",
            ],
        },
    }
]

# Performance (issue 20): widgets and field groups (`as_field_group`: the create and edit forms) render
# through Django's own Jinja2 widget templates, the same HTML as the Django-language ones, at a fraction of
# the CPU. The search pages' filter panel is one Jinja2 render of its own (core.filter_panel).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dashboard.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock up front, which
    # is what serialises a user's token refresh on SQLite.
    # Connections persist for DATABASE_CONN_MAX_AGE, as on PostgreSQL: each request thread keeps its own.
    # Performance (issue 20): opening one per request (with its PRAGMA and function registrations) was
    # ~1 ms of every page's CPU under gunicorn. WAL readers hold no lock between statements, so a kept
    # connection never blocks the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what several instances must agree on (sign-in throttling, the per-user upstream
# budget), so production behind a load balancer sets REDIS_URL; the memory cache is per process.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 1.0)
CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several deployments (or the test suite) may share one Redis: keep our keys apart.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX") or "billing-desk",
            # A stalled Redis must slow a page by a second at most, never hang a worker thread.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }
# Sessions live in the database (Django's default, stated here on purpose): they survive a Redis flush
# and every instance behind the load balancer reads the same table.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The first backend reads the user with the rows every signed-in page uses (one query per request, issue 20).
# ModelBackend stays listed only so sessions opened before it keep working (their backend is stored in the
# session); both keep permissions in the same per-request cache, so listing both costs no query.
AUTHENTICATION_BACKENDS = [
    "dashboard.accounts.backends.SignedInUserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The rows joined to the user: the person's Nexudus account (their tokens, for the client) and the version of
# their table preferences and saved views (which names the cached copy, dashboard.core.preferences).
AUTH_USER_RELATED = ("nexudus_account", "preferences_version")
AUTH_PASSWORD_VALIDATORS: list[dict] = []  # Passwords belong to Nexudus; the dashboard stores none.
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "invoices:home"
LOGOUT_REDIRECT_URL = "accounts:signin"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outside production the files are served from the source folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts or styles, nothing from other origins, no framing (see dashboard.core.security).
CONTENT_SECURITY_POLICY = _security.CONTENT_SECURITY_POLICY

# --- Nexudus -----------------------------------------------------------------------------------
NEXUDUS_API_URL = os.environ.get("NEXUDUS_API_URL", "http://127.0.0.1:8765").rstrip("/")
NEXUDUS_CONNECT_TIMEOUT = env_float("NEXUDUS_CONNECT_TIMEOUT", 3.05)
NEXUDUS_READ_TIMEOUT = env_float("NEXUDUS_READ_TIMEOUT", 15.0)
# Total time a person may be kept waiting by automatic retries of a read (Retry-After included).
NEXUDUS_RETRY_BUDGET = env_float("NEXUDUS_RETRY_BUDGET", 4.0)
# Upstream connections per process, sized for the fan-out: every thread that can be waiting on Nexudus at
# once (each gunicorn request thread, and each fan-out thread of LOOKUP_THREADS, below) has a connection of
# its own, so a page's second and third reads never queue behind other pages for a connection. (Capping it
# at the request threads served no one: what Nexudus limits is the request rate, which the per-person budget
# governs, not the connections.) They are kept alive and reused: an instance opens them once, not per burst.
# pool_block (NEXUDUS_POOL_BLOCK) stays as a guard: a call finding all busy waits instead of opening a
# throwaway connection, which with this size cannot happen.
_REQUEST_THREADS = int(os.environ.get("GUNICORN_THREADS", "8"))  # gunicorn.conf.py's default
LOOKUP_THREADS = int(os.environ.get("LOOKUP_THREADS", str(2 * _REQUEST_THREADS)))
NEXUDUS_POOL_SIZE = int(os.environ.get("NEXUDUS_POOL_SIZE", str(_REQUEST_THREADS + LOOKUP_THREADS)))
NEXUDUS_POOL_BLOCK = env_bool("NEXUDUS_POOL_BLOCK", True)
# Refresh the access token this many seconds before Nexudus says it expires.
# The `dir` value Nexudus reads as ascending: the docs disagree (1 ascending / -1 descending on one page;
# 0 ascending / 1 descending on learn.nexudus.com and in the .NET SDK docs, the reading two of the three
# sources give, hence the default). `manage.py nexudus_doctor` tells which one the configured Nexudus uses.
NEXUDUS_SORT_DIR_ASCENDING = int(os.environ.get("NEXUDUS_SORT_DIR_ASCENDING", "0"))
if NEXUDUS_SORT_DIR_ASCENDING not in (0, 1):
    raise ImproperlyConfigured("NEXUDUS_SORT_DIR_ASCENDING must be 0 or 1.")
NEXUDUS_REFRESH_MARGIN = int(os.environ.get("NEXUDUS_REFRESH_MARGIN", "120"))
# Prefix of the client_id this dashboard registers per user, so its refresh tokens never collide with
# the ones the same person uses in other Nexudus tools.
NEXUDUS_CLIENT_ID_PREFIX = os.environ.get("NEXUDUS_CLIENT_ID_PREFIX", "billing-desk")

# Each person's upstream request budget, counted across all instances (in Redis when REDIS_URL is set;
# see dashboard.runtime.upstream_budget): at most N requests in any window of so many seconds. Nexudus allows
# 10 reads per 100 ms and 60 writes per minute; the windows are a little longer so that network jitter
# between our count and theirs never tips a request over. A limit of 0 turns the budget off.
NEXUDUS_BUDGET_READS = int(os.environ.get("NEXUDUS_BUDGET_READS", "10"))
NEXUDUS_BUDGET_READ_WINDOW = env_float("NEXUDUS_BUDGET_READ_WINDOW", 0.11)
NEXUDUS_BUDGET_WRITES = int(os.environ.get("NEXUDUS_BUDGET_WRITES", "60"))
NEXUDUS_BUDGET_WRITE_WINDOW = env_float("NEXUDUS_BUDGET_WRITE_WINDOW", 61.0)

# One writer at a time per customer ledger (customer, business), across every instance: the dashboard
# decides each entry's running Balance, so two writers must never read the same "latest" one (see
# dashboard.runtime.locks). A writer that cannot have the lock within the timeout is told to try again.
# Off only to demonstrate the race it prevents.
LEDGER_WRITE_LOCK = env_bool("LEDGER_WRITE_LOCK", True)
LEDGER_WRITE_LOCK_TIMEOUT = env_float("LEDGER_WRITE_LOCK_TIMEOUT", 8.0)

# Fernet keys for tokens at rest, newest first (comma-separated). Several keys allow rotation: the
# first encrypts, all decrypt. Outside production a key is derived from SECRET_KEY when none is set.
FERNET_KEYS = env_list("FERNET_KEYS", "")

# Sign-in throttling: attempts allowed per window, per account and per client address.
SIGNIN_MAX_ATTEMPTS = int(os.environ.get("SIGNIN_MAX_ATTEMPTS", "5"))
SIGNIN_WINDOW_SECONDS = int(os.environ.get("SIGNIN_WINDOW_SECONDS", "300"))
# One address may be a whole office or VPN; accepted passwords give their unit back (failures do not).
SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = int(os.environ.get("SIGNIN_MAX_ATTEMPTS_PER_ADDRESS", str(SIGNIN_MAX_ATTEMPTS * 4)))

# CSV export: most rows one export may hold (stated in the UI before download), the page size it fetches
# (Nexudus's largest), and how often a throttled page is retried before the file ends marked incomplete.
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "20000"))
EXPORT_PAGE_SIZE = int(os.environ.get("EXPORT_PAGE_SIZE", "1000"))
EXPORT_RETRIES = int(os.environ.get("EXPORT_RETRIES", "3"))
EXPORT_PAGES_AHEAD = int(os.environ.get("EXPORT_PAGES_AHEAD", "2"))  # pages in flight while one is written
# Fan-out threads per process: they run the 2nd and 3rd reads of a page that needs several at once (invoice
# lookup, customer ledger, a ledger entry's review) and an export's next page. They only wait on Nexudus,
# on connections of the same pool (NEXUDUS_POOL_SIZE), which has one for each of them.
# Two per request thread: every request thread can have its page's other two reads in flight; fewer, and
# at 100 ms upstream latency the fan-out tasks themselves queue (measured: 4 threads gave an invoice
# lookup p99 of 6 s at 50 users).
# (LOOKUP_THREADS is set with NEXUDUS_POOL_SIZE, above.)

# Largest page size the tables offer; Nexudus documents at most 1000 per page.
TABLE_PAGE_SIZES = (25, 50, 100)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


def logging_config(log_format: str, level: str) -> dict:
    """Django's LOGGING for `log_format` "json" (one object per line, for log shippers) or "plain"
    (for people reading a terminal). Every line written during a request carries its request id."""
    json_lines = log_format.strip().lower() == "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "dashboard.runtime.logging.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "dashboard.runtime.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "dashboard": {"level": level},
            "django.request": {"level": "ERROR"},
        },
    }


# Plain lines locally; production defaults to JSON (see dashboard.settings.production).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "plain"
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Background work (bank statement imports) on django-tasks' database backend: the queue lives in our own
# database, so `make run` and production need no extra service; `manage.py statements_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How long a worker's claim on an import lasts without renewal (it renews before every write).
STATEMENTS_LEASE_SECONDS = env_float("STATEMENTS_LEASE_SECONDS", 180.0)
# How long a worker waits for a turn in the person's write budget before trying again.
STATEMENTS_BUDGET_WAIT = env_float("STATEMENTS_BUDGET_WAIT", 70.0)
# A write that got no answer is looked for in Nexudus again this long after, before it is ever resent.
STATEMENTS_RECHECK_SECONDS = env_float("STATEMENTS_RECHECK_SECONDS", 30.0)
# One task posts for this long, then queues the rest: a stopping worker finishes within it, and several
# people's imports take turns on one worker.
STATEMENTS_TIME_SLICE = env_float("STATEMENTS_TIME_SLICE", 20.0)
