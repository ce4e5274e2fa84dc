"""Each person's share of Nexudus's rate limits, shared by every dashboard instance through Redis (a
sliding-window log; docs/architecture.md, "Runtime")."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Literal

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

Kind = Literal["read", "write"]

# KEYS[1]: the log; ARGV: limit, window (µs), a unique member. Returns 0 when a slot was taken (and
# recorded), else the microseconds until the oldest entry leaves the window.
_SLIDING_LOG = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
"""


@dataclass(frozen=True)
class Budget:
    """At most `limit` requests in any `window` seconds. A limit of 0 means no budget."""

    limit: int
    window: float


class UpstreamBudgetExhausted(Exception):
    """The person's budget has no room within the time they may be kept waiting."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Upstream request budget spent; next slot in {retry_after:.2f} s.")
        self.retry_after = retry_after


def budget_for(kind: Kind) -> Budget:
    if kind == "write":
        return Budget(int(settings.NEXUDUS_BUDGET_WRITES), float(settings.NEXUDUS_BUDGET_WRITE_WINDOW))
    return Budget(int(settings.NEXUDUS_BUDGET_READS), float(settings.NEXUDUS_BUDGET_READ_WINDOW))


def acquire(user_key: str, kind: Kind) -> float:
    """Take one slot of `user_key`'s `kind` budget now: 0.0 when taken, else seconds to wait first.

    Nothing is recorded when the answer is a wait, so the caller simply asks again after waiting.
    """
    budget = budget_for(kind)
    if budget.limit <= 0 or budget.window <= 0:
        return 0.0
    redis_url = settings.REDIS_URL
    if not redis_url:
        return _local_log.acquire(f"{kind}:{user_key}", budget)
    try:
        wait_us = _script(redis_url)(
            keys=[_redis_key(user_key, kind)],
            args=[budget.limit, int(budget.window * 1_000_000), uuid.uuid4().hex],
        )
    except redis.RedisError as exc:
        logger.warning("Upstream budget unavailable (%s); sending without it", type(exc).__name__)
        return 0.0
    return int(wait_us) / 1_000_000


def wait_for_turn(user_key: str, kind: Kind, *, max_wait: float) -> float:
    """Block until `user_key` may send one `kind` request; returns the seconds waited.

    Raises UpstreamBudgetExhausted (with the wait still needed) rather than keep a person waiting longer
    than `max_wait` seconds in total — the client reports it like Nexudus's own throttling.
    """
    waited = 0.0
    while (wait := acquire(user_key, kind)) > 0:
        if waited + wait > max_wait:
            raise UpstreamBudgetExhausted(retry_after=wait)
        time.sleep(wait)
        waited += wait
    return waited


# --- Redis -----------------------------------------------------------------------------------------

_scripts: dict[str, redis.commands.core.Script] = {}
_scripts_lock = threading.Lock()


def _script(redis_url: str) -> redis.commands.core.Script:
    """The registered script on a pooled client for `redis_url` (one pool per process and URL)."""
    script = _scripts.get(redis_url)
    if script is None:
        with _scripts_lock:
            script = _scripts.get(redis_url)
            if script is None:
                timeout = float(settings.REDIS_TIMEOUT)
                client = redis.Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout)
                script = _scripts[redis_url] = client.register_script(_SLIDING_LOG)
    return script


def _redis_key(user_key: str, kind: Kind) -> str:
    # Under the cache's prefix, so deployments (and test runs) sharing one Redis never share budgets.
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:nexudus-budget:{kind}:{user_key}"


# --- one process, no Redis ----------------------------------------------------------------------------


class _LocalLog:
    """The same sliding-window log in memory, for a single process without Redis."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[float]] = {}

    def acquire(self, key: str, budget: Budget) -> float:
        now = time.monotonic()
        with self._lock:
            log = self._logs.setdefault(key, deque())
            while log and log[0] <= now - budget.window:
                log.popleft()
            if len(log) < budget.limit:
                log.append(now)
                return 0.0
            return max(1e-6, log[0] + budget.window - now)

    def clear(self) -> None:
        with self._lock:
            self._logs.clear()


_local_log = _LocalLog()


def reset_local_budgets() -> None:
    """Forget every in-process budget (tests start each case with every person's budget unspent)."""
    _local_log.clear()
