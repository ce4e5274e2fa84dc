"""Bounded load generators on loopback: closed loop (each user sends the next request when the previous
answer arrives), open loop (each user sends on a Poisson schedule, ~`rate` requests a second) and agents
(each user reads its page, thinks, then asks for the next, as a person at a desk does).

Every loop stops at its deadline and at its operation cap. Open-loop latency is measured from the
*scheduled* start, so a dashboard that falls behind is charged for the wait (no coordinated omission).
Each virtual user has one connection, so an open-loop user whose next page falls due while its previous
page is still loading waits for it too: `instant_dashboard_p99` is what that schedule alone costs.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import requests

from .browser import VirtualUser
from .scenarios import Operation, OpOutcome
from .stats import percentile

HARD_OP_CAP = 100_000  # per run, whatever the window: a runaway loop cannot hammer the machine
OVERLOAD_GRACE_S = 5.0  # an open-loop user this far past the window stops sending
NOT_SENT = "not sent: generator behind schedule (dashboard overloaded)"


@dataclass(frozen=True)
class Sample:
    started: float  # seconds since the run began (scheduled start for open loop)
    seconds: float
    ok: bool
    error: str = ""
    size: int = 0
    user: int = -1  # which virtual user sent it (its index), for `instant_dashboard_p99`


@dataclass
class LoadRun:
    samples: list[Sample] = field(default_factory=list)  # measured window only
    operations: int = 0  # every operation sent, warm-up included (for upstream requests per page)
    window_s: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return [s.seconds for s in self.samples if s.ok]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)

    def first_errors(self, limit: int = 3) -> list[str]:
        return list(dict.fromkeys(s.error for s in self.samples if not s.ok))[:limit]


def _attempt(op: Operation, user: VirtualUser, rng: random.Random) -> OpOutcome:
    started = time.perf_counter()
    try:
        return op(user, rng)
    except requests.RequestException as exc:
        return OpOutcome(False, time.perf_counter() - started, error=type(exc).__name__)


class _Collector:
    def __init__(self, begin: float, measure_from: float, measure_to: float) -> None:
        self.begin, self.measure_from, self.measure_to = begin, measure_from, measure_to
        self.lock = threading.Lock()
        self.run = LoadRun()

    def add(self, started: float, outcome: OpOutcome, seconds: float, user: int = -1) -> None:
        with self.lock:
            if outcome.error != NOT_SENT:  # only what reached the dashboard can cost upstream requests
                self.run.operations += 1
            if self.measure_from <= started < self.measure_to:
                self.run.samples.append(
                    Sample(started - self.begin, seconds, outcome.ok, outcome.error, outcome.size, user)
                )


def closed_loop(
    users: Sequence[VirtualUser],
    op: Operation,
    *,
    warmup_s: float,
    duration_s: float,
    max_ops: int = HARD_OP_CAP,
    seed: int = 1,
) -> LoadRun:
    """All users loop without think time; stops after the window or `max_ops` measured operations."""
    begin = time.perf_counter()
    collector = _Collector(begin, begin + warmup_s, begin + warmup_s + duration_s)
    cap = min(max_ops, HARD_OP_CAP)

    def loop(index: int, user: VirtualUser) -> None:
        rng = random.Random(seed * 1000 + index)
        while True:
            now = time.perf_counter()
            with collector.lock:
                done = len(collector.run.samples) >= cap or collector.run.operations >= HARD_OP_CAP
            if now >= collector.measure_to or done:
                return
            outcome = _attempt(op, user, rng)
            collector.add(now, outcome, outcome.seconds)

    _run_threads(users, loop, warmup_s + duration_s)
    run = collector.run
    last = max((s.started + s.seconds for s in run.samples), default=warmup_s)
    run.window_s = min(duration_s, max(last - warmup_s, 1e-9)) if len(run.samples) >= cap else duration_s
    return run


def open_loop(
    users: Sequence[VirtualUser],
    op: Operation,
    *,
    rate_per_user: float,
    warmup_s: float,
    duration_s: float,
    seed: int = 1,
) -> LoadRun:
    """Each user sends at Poisson-distributed times averaging `rate_per_user` a second.

    When the dashboard cannot keep up, a user falls behind its schedule; past `OVERLOAD_GRACE_S` after the
    window it stops sending and every request it still owed is counted as an error ("not sent"), so an
    overloaded run neither runs on for minutes nor hides the load it did not serve.
    """
    begin = time.perf_counter()
    end = begin + warmup_s + duration_s
    collector = _Collector(begin, begin + warmup_s, end)

    def loop(index: int, user: VirtualUser) -> None:
        rng = random.Random(seed * 1000 + index)
        scheduled = begin + rng.uniform(0, 1 / rate_per_user)
        sent = 0
        while scheduled < end and sent < HARD_OP_CAP // max(len(users), 1):
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() > end + OVERLOAD_GRACE_S:
                collector.add(scheduled, OpOutcome(False, 0.0, error=NOT_SENT), time.perf_counter() - scheduled, index)
                scheduled += rng.expovariate(rate_per_user)
                continue
            late = max(time.perf_counter() - scheduled, 0.0)
            outcome = _attempt(op, user, rng)
            # Starting late (still waiting for our own previous answer) counts as latency; the rest is the
            # operation's measured request (for a create flow: the request that writes).
            collector.add(scheduled, outcome, late + outcome.seconds, index)
            sent += 1
            scheduled += rng.expovariate(rate_per_user)

    _run_threads(users, loop, warmup_s + duration_s)
    collector.run.window_s = duration_s
    return collector.run


def agents(
    users: Sequence[VirtualUser],
    op: Operation,
    *,
    think_s: float,
    warmup_s: float,
    duration_s: float,
    seed: int = 1,
) -> LoadRun:
    """Each user sends a page, reads the answer, then thinks for an exponentially distributed time
    averaging `think_s` before the next, like the think time of Locust's users: an agent does not ask for
    the next page while the last is still loading, so no page waits behind that user's own previous page.
    Each page's latency is its own request's time. (The open loop keeps the strict schedule.)"""
    begin = time.perf_counter()
    end = begin + warmup_s + duration_s
    collector = _Collector(begin, begin + warmup_s, end)

    def loop(index: int, user: VirtualUser) -> None:
        rng = random.Random(seed * 1000 + index)
        sent = 0
        # Users arrive spread over one think time, not all at once (and none sleeps past the window's end).
        time.sleep(min(rng.uniform(0, think_s), warmup_s + duration_s))
        while time.perf_counter() < end and sent < HARD_OP_CAP // max(len(users), 1):
            started = time.perf_counter()
            outcome = _attempt(op, user, rng)
            collector.add(started, outcome, outcome.seconds, index)
            sent += 1
            pause = min(rng.expovariate(1 / think_s), max(end - time.perf_counter(), 0.0))
            time.sleep(pause)

    _run_threads(users, loop, warmup_s + duration_s)
    collector.run.window_s = duration_s
    return collector.run


def instant_dashboard_p99(samples: Sequence[Sample], service_s: float) -> float | None:
    """The p99 an open-loop run would measure if the dashboard added nothing: the same schedule (each
    sample's scheduled start, per user), every page taking exactly `service_s` (the upstream floor), and
    each user's pages one after another on its one connection, so a page due while the user's previous
    one is loading starts late and is charged for it. `None` without samples."""
    finish: dict[int, float] = {}
    latencies = []
    for sample in sorted(samples, key=lambda s: (s.user, s.started)):
        start = max(sample.started, finish.get(sample.user, float("-inf")))
        finish[sample.user] = start + service_s
        latencies.append(finish[sample.user] - sample.started)
    return percentile(latencies, 99) if latencies else None


def _run_threads(users: Sequence[VirtualUser], loop: Callable[[int, VirtualUser], None], budget_s: float) -> None:
    threads = [threading.Thread(target=loop, args=(i, u), name=f"vu-{i}", daemon=True) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + budget_s + 90  # in-flight requests time out after 60 s
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.1))
