"""Settings for the test suite: the base settings with fast, isolated choices."""

from __future__ import annotations

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests point this at the sandbox they start on a free port (see tests/conftest.py).
NEXUDUS_API_URL = "http://127.0.0.1:9"
# Fail fast in tests: nobody should wait on retries of a fault the test injected on purpose.
NEXUDUS_RETRY_BUDGET = 1.0
NEXUDUS_READ_TIMEOUT = 5.0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    # A database file (one per test process), not SQLite's shared in-memory database: parallel requests
    # (the live server's threads, the token-refresh single-flight tests) need separate connections with
    # real locking, as in production; shared-cache memory databases fail them with "table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"billing-desk-test-{os.getpid()}.sqlite3")
    }
