"""The per-person upstream budget: a sliding window, the same in Redis (shared by instances) and in
process memory, failing open when Redis is away."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid

import pytest

from dashboard.runtime import upstream_budget
from dashboard.runtime.upstream_budget import UpstreamBudgetExhausted, acquire, wait_for_turn

requires_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="runs in the Redis pass of make test")


@pytest.fixture(params=["memory", pytest.param("redis", marks=requires_redis)])
def backend(request, settings):
    """Each behaviour is checked on both stores."""
    settings.REDIS_URL = os.environ["REDIS_URL"] if request.param == "redis" else ""
    upstream_budget.reset_local_budgets()
    return request.param


def _user() -> str:
    return f"user:{uuid.uuid4().hex[:8]}"


def test_the_budget_admits_its_limit_then_says_how_long_to_wait(backend, settings):
    settings.NEXUDUS_BUDGET_READS, settings.NEXUDUS_BUDGET_READ_WINDOW = 3, 0.3
    user = _user()
    assert [acquire(user, "read") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = acquire(user, "read")
    assert 0 < wait <= 0.3
    time.sleep(wait + 0.01)
    assert acquire(user, "read") == 0.0


def test_people_and_kinds_have_budgets_of_their_own(backend, settings):
    settings.NEXUDUS_BUDGET_READS, settings.NEXUDUS_BUDGET_READ_WINDOW = 1, 5.0
    settings.NEXUDUS_BUDGET_WRITES, settings.NEXUDUS_BUDGET_WRITE_WINDOW = 1, 5.0
    first, second = _user(), _user()
    assert acquire(first, "read") == 0.0
    assert acquire(first, "read") > 0
    assert acquire(first, "write") == 0.0
    assert acquire(second, "read") == 0.0


def test_a_zero_limit_means_no_budget(backend, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    user = _user()
    assert all(acquire(user, "write") == 0.0 for _ in range(100))


def test_concurrent_callers_never_get_more_than_the_limit(backend, settings):
    settings.NEXUDUS_BUDGET_READS, settings.NEXUDUS_BUDGET_READ_WINDOW = 5, 5.0
    user, answers, start = _user(), [], threading.Barrier(20)

    def take() -> None:
        start.wait()
        answers.append(acquire(user, "read"))

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(0.0) == 5


def test_waiting_for_a_turn_waits_within_the_limit_and_gives_up_beyond_it(backend, settings):
    settings.NEXUDUS_BUDGET_READS, settings.NEXUDUS_BUDGET_READ_WINDOW = 1, 0.2
    user = _user()
    assert wait_for_turn(user, "read", max_wait=1.0) == 0.0
    waited = wait_for_turn(user, "read", max_wait=1.0)
    assert 0 < waited <= 0.25
    with pytest.raises(UpstreamBudgetExhausted) as refused:
        wait_for_turn(user, "read", max_wait=0.05)
    assert 0 < refused.value.retry_after <= 0.2


def test_an_unreachable_redis_lets_requests_through_with_a_warning(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    settings.REDIS_TIMEOUT = 0.5
    settings.NEXUDUS_BUDGET_READS = 1
    user = _user()
    with caplog.at_level(logging.WARNING, logger="dashboard.runtime.upstream_budget"):
        assert [acquire(user, "read") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert "Upstream budget unavailable" in caplog.text


@requires_redis
def test_budgets_of_separate_deployments_sharing_one_redis_stay_apart(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.NEXUDUS_BUDGET_READS, settings.NEXUDUS_BUDGET_READ_WINDOW = 1, 5.0
    user = _user()
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "deployment-a"}}
    assert acquire(user, "read") == 0.0
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "deployment-b"}}
    assert acquire(user, "read") == 0.0
