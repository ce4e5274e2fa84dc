"""Settings for the test suite: the base settings with fast, isolated choices."""

from __future__ import annotations

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests point this at the sandbox they start on a free port (see tests/conftest.py).
NEXUDUS_API_URL = "http://127.0.0.1:9"
# Fail fast in tests: nobody should wait on retries of a fault the test injected on purpose.
NEXUDUS_RETRY_BUDGET = 1.0
NEXUDUS_READ_TIMEOUT = 5.0
