"""Hypothesis profiles: `ci` (the default: few examples, derandomized, no example database) and `fuzz`
(`make fuzz`: many random examples, failures kept in .hypothesis/ and replayed first next time)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

# The view tests reuse signed-in clients across examples on purpose (signing in per example would cost
# more than the request), and requests to a real sandbox are slower than Hypothesis's default budget.
_SUPPRESS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=_SUPPRESS
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")),
    deadline=None,
    database=DirectoryBasedExampleDatabase(".hypothesis/examples"),
    suppress_health_check=_SUPPRESS,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
