"""gunicorn settings for Billing Desk in production: `gunicorn -c gunicorn.conf.py dashboard.wsgi:application`.

Every knob an operator is likely to turn comes from the environment (see `.env.example`), so one image
serves every deployment size.

Why threads: nearly all of a request's time is spent waiting for Nexudus, not computing, so a few
processes with many threads each (`gthread`) serve many people from little memory, and share one
keep-alive connection pool to Nexudus per process. Capacity is roughly
`GUNICORN_WORKERS * GUNICORN_THREADS` requests in flight per instance.

Why `preload_app` is off by default: preloading imports Django once in the master and forks it, which
saves some memory and fails fast on import errors, but anything opened at import time (a pooled HTTP
session, a database or Redis connection) would then be shared by every forked worker, and `kill -HUP`
could no longer load new code. The dashboard opens nothing at import, so `GUNICORN_PRELOAD=true` is safe
today; it stays opt-in so a future import-time connection cannot silently become shared.
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


wsgi_app = "dashboard.wsgi:application"
# GUNICORN_BIND wins (e.g. "127.0.0.1:8000" or "unix:/run/billing-desk.sock"); else PORT, as platforms
# and containers set it; all interfaces because a container or a load balancer connects from outside.
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_env_int('PORT', 8000)}"]

worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", 2)
# 8 threads: 24 showed no clear gain in make bench on 2 cores (capacity line 10 -> 15 pages/s of the token
# search at 100 ms, but the 50-user open loop's p99 12.6 x the upstream floor, where two runs with 8 gave
# 7.5 and 15.6): at that load the cores are busy, and more threads only share them. Each request thread
# keeps one database connection: WORKERS x THREADS per instance.
threads = _env_int("GUNICORN_THREADS", 8)

# With gthread the worker's main loop keeps beating while its threads wait on Nexudus, so `timeout` only
# catches a wedged process, not a slow upstream (the Nexudus client's own timeouts bound each call).
timeout = _env_int("GUNICORN_TIMEOUT", 60)
# On a deploy or scale-in, let requests in flight finish: longer than one upstream read timeout (15 s)
# plus the retry budget (4 s), so nobody loses a form submission to a rolling restart.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer keep idle connections open longer than its own idle timeout (60 s for the
# common ones), or it may reuse a connection gunicorn just closed and answer the person with a 502.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)

# Recycling workers is off by default: each restart drops the process's warm upstream connection pool.
# Set it only to contain a leak.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

preload_app = _env_bool("GUNICORN_PRELOAD", False)

# The heartbeat file on a disk-backed overlay (containers) can stall workers; tmpfs avoids it.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

proc_name = "billing-desk"

# Recent gunicorn releases open a control socket at a fixed per-user path; two instances on one host
# (tests, `make run-prod` beside a benchmark) would fight over it. Opt in with a path of the instance's own.
# (Older releases ignore both names.)
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# One JSON line per request comes from `dashboard.runtime.request_id` (with request id and user id), so
# gunicorn's own access log would only duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's own lines (start, stop, worker timeouts) in the same JSON shape as the app's, when asked.
# A logconfig_dict switches gunicorn's access log back on, and its lines would carry query strings (search
# text), so that logger is silenced here explicitly.
if (os.environ.get("LOG_FORMAT") or "json").strip().lower() == "json":
    logconfig_dict = {
        "formatters": {"generic": {"()": "dashboard.runtime.logging.JsonFormatter"}},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }
