"""Settings of the worker subprocess in tests: the test database file and the test's sandbox."""

import os

from dashboard.settings.test import *  # noqa: F403

NEXUDUS_API_URL = os.environ["STATEMENTS_TEST_NEXUDUS_URL"]
DATABASES["default"]["NAME"] = os.environ["STATEMENTS_TEST_DB"]  # noqa: F405
NEXUDUS_BUDGET_WRITES = int(os.environ.get("NEXUDUS_BUDGET_WRITES", "0"))
