"""Settings read DATABASE_URL / REDIS_URL / LOG_FORMAT from the environment (checked in a fresh process,
since settings are read once at import)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "database": settings.DATABASES["default"],
    "cache": settings.CACHES["default"],
    "session_engine": settings.SESSION_ENGINE,
    "console_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "first_middleware": settings.MIDDLEWARE[0],
}, default=str))
"""

_ENV_OWNED_BY_TEST = {"DATABASE_URL", "REDIS_URL", "LOG_FORMAT", "SECRET_KEY", "FERNET_KEYS", "CACHE_KEY_PREFIX"}


def _settings_in_fresh_process(module: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in _ENV_OWNED_BY_TEST}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _production_secrets() -> dict[str, str]:
    return {"SECRET_KEY": secrets.token_urlsafe(50), "FERNET_KEYS": Fernet.generate_key().decode()}


def test_database_url_selects_postgresql_through_psycopg3():
    probe = _settings_in_fresh_process(
        "dashboard.settings.base", DATABASE_URL="postgres://desk:s3cret@db.internal:5433/billing"
    )
    database = probe["database"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.internal",
        5433,
        "billing",
        "desk",
    )
    assert database["CONN_HEALTH_CHECKS"] is True
    import psycopg  # the driver Django's PostgreSQL backend prefers; psycopg2 is not installed

    assert psycopg.__version__ >= "3.2"


def test_redis_url_selects_djangos_redis_cache_and_sessions_stay_in_the_database():
    probe = _settings_in_fresh_process("dashboard.settings.base", REDIS_URL="redis://default:pw@cache.internal:6380/2")
    cache = probe["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://default:pw@cache.internal:6380/2"
    assert cache["OPTIONS"]["socket_timeout"] <= 2, "a stalled Redis must not hang a worker thread"
    assert probe["session_engine"] == "django.contrib.sessions.backends.db"


def test_without_redis_url_the_cache_is_per_process_memory():
    probe = _settings_in_fresh_process("dashboard.settings.base")
    assert probe["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert probe["database"]["ENGINE"] == "django.db.backends.sqlite3"


def test_logs_are_plain_locally_and_json_in_production_unless_asked_otherwise():
    assert _settings_in_fresh_process("dashboard.settings.base")["console_formatter"] == "plain"
    assert _settings_in_fresh_process("dashboard.settings.base", LOG_FORMAT="json")["console_formatter"] == "json"
    production = _settings_in_fresh_process("dashboard.settings.production", **_production_secrets())
    assert production["console_formatter"] == "json"
    assert production["first_middleware"] == "dashboard.runtime.request_id.RequestIdMiddleware"
    plain = _settings_in_fresh_process("dashboard.settings.production", LOG_FORMAT="plain", **_production_secrets())
    assert plain["console_formatter"] == "plain"


def test_the_suite_runs_on_the_engine_database_url_names():
    """Guards the PostgreSQL pass of `make test`: it must really run on PostgreSQL, not fall back."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "django.db.backends.postgresql" if url.startswith("postgres") else "django.db.backends.sqlite3"
    assert settings.DATABASES["default"]["ENGINE"] == expected
    expected_cache = "RedisCache" if os.environ.get("REDIS_URL") else "LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected_cache)
