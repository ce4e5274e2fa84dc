"""Independent upstream reads run side by side on one small shared thread pool, so a page that needs
three answers waits about one round trip, not three.

The Nexudus client is thread-safe (one pooled session). Its token provider reads the person's stored
token from our database, so a worker may open a database connection of its own: each task closes it when
done, so idle pool threads never hold connections (nor see a stale one). The request's context (its
request id, for log lines) goes with each task.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections

T = TypeVar("T")

#: Shared by every request of the process. The threads only wait on Nexudus; the default matches the
#: client's connection pool (NEXUDUS_POOL_SIZE), beyond which more threads would only queue for a socket.
POOL = ThreadPoolExecutor(
    max_workers=int(getattr(settings, "LOOKUP_THREADS", getattr(settings, "NEXUDUS_POOL_SIZE", 32))),
    thread_name_prefix="nexudus-fan-out",
)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one call gave: its value, or the exception it raised (never both)."""

    value: T | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def get(self) -> T:
        """The value, or the call's exception raised here."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def _in_worker(call: Callable[[], T]) -> T:
    try:
        return call()
    finally:
        connections.close_all()  # this thread's connections only


def _settle(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=call())
    except Exception as error:  # handed back to the caller, which decides what each failure means
        return Outcome(error=error)


def fan_out(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Outcome]:
    """Run `calls` concurrently and return each one's `Outcome` by name, once all have finished.

    All but the first run on the pool; the first runs in the calling thread meanwhile (one thread fewer
    per request, and it is waiting anyway).
    """
    names = list(calls)
    futures: dict[str, Future] = {}
    for name in names[1:]:
        context = contextvars.copy_context()
        futures[name] = POOL.submit(context.run, _settle, lambda c=calls[name]: _in_worker(c))
    outcomes: dict[str, Outcome] = {}
    if names:
        outcomes[names[0]] = _settle(calls[names[0]])
    for name, future in futures.items():
        outcomes[name] = future.result()
    return {name: outcomes[name] for name in names}
