"""Independent upstream reads side by side on one small shared thread pool, so a page that needs three
answers waits about one round trip, not three (docs/architecture.md, "Runtime")."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections

from . import frame_stack

T = TypeVar("T")

#: Shared by every request of the process. The threads only wait on Nexudus, on connections of the
#: client's pool (NEXUDUS_POOL_SIZE, blocking), so they never add upstream connections (settings.LOOKUP_THREADS).
POOL = ThreadPoolExecutor(
    max_workers=int(getattr(settings, "LOOKUP_THREADS", 16)),
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
        # The pool's one entry point on its threads, like the WSGI entry for requests (runtime.frame_stack):
        # a ThreadPoolExecutor initializer returns before the tasks run, so it cannot hold the frame.
        if frame_stack.enabled():
            return frame_stack.with_roomy_frame_stack(call)
        return call()
    finally:
        connections.close_all()  # this thread's connections only


def _settle(call: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(value=call())
    except Exception as error:  # handed back to the caller, which decides what each failure means
        return Outcome(error=error)


def submit(call: Callable[[], T]) -> Future[Outcome[T]]:
    """Start `call` on the pool now, with the caller's context; the future's result is its `Outcome`
    (never an exception). For a read made ahead of need, e.g. the next page of an export."""
    context = contextvars.copy_context()
    return POOL.submit(context.run, _settle, lambda: _in_worker(call))


def fan_out(calls: Mapping[str, Callable[[], Any]], *, client: Any = None) -> dict[str, Outcome[Any]]:
    """Run `calls` concurrently and return each one's `Outcome` by name, once all have finished.

    All but the first run on the pool; the first runs in the calling thread meanwhile (one thread fewer
    per request, and it is waiting anyway).

    `client`: the Nexudus client the calls use. Its token is made ready on the calling thread first
    (`NexudusClient.prepare()`), so the pool threads reuse it instead of each reading our database (on a
    connection of their own, opened and closed per task). A failure there is left to the calls, which
    meet and report it exactly as they would have.
    """
    prepare = getattr(client, "prepare", None) if client is not None else None
    if prepare is not None:
        with contextlib.suppress(Exception):  # each call meets the same problem and reports it itself
            prepare()
    names = list(calls)
    futures: dict[str, Future[Outcome[Any]]] = {name: submit(calls[name]) for name in names[1:]}
    outcomes: dict[str, Outcome[Any]] = {}
    if names:
        outcomes[names[0]] = _settle(calls[names[0]])
    for name, future in futures.items():
        outcomes[name] = future.result()
    return {name: outcomes[name] for name in names}
