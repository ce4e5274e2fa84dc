"""Settings of the worker subprocess in tests: the test database file and the test's sandbox."""

import os

from dashboard.settings.test import *  # noqa: F403

NEXUDUS_API_URL = os.environ["STATEMENTS_TEST_NEXUDUS_URL"]
DATABASES["default"]["NAME"] = os.environ["STATEMENTS_TEST_DB"]  # noqa: F405
NEXUDUS_BUDGET_WRITES = int(os.environ.get("NEXUDUS_BUDGET_WRITES", "0"))
STATEMENTS_RECHECK_SECONDS = 1.0  # a line left "being sent" by the killed worker is looked for again soon
STATEMENTS_TIME_SLICE = 3.0  # several slices per import: the re-queueing is exercised too
