"""Running one scenario in one configuration and turning it into a `ScenarioResult`.

Around every dashboard window: the sandbox counters (upstream requests, refresh grants) and the CPU
time of each process group are read before and after, so per-page upstream cost and CPU shares cover
exactly the operations of that window (warm-up included on both sides of the division).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .browser import VirtualUser
from .load import LoadRun, agents, closed_loop, instant_dashboard_p99, open_loop
from .procstat import cpu_delta, cpu_snapshot
from .results import ScenarioResult
from .scenarios import SHELL_PATH, Scenario, shell_operation
from .stats import LatencySummary, summarise
from .upstream import UpstreamProbe


@dataclass
class Harness:
    """What every measurement needs: the probe, the virtual users and the processes to account CPU to."""

    probe: UpstreamProbe
    users: list[VirtualUser]
    cpu_groups: Callable[[], dict[str, list[int]]]


def page_status(user: VirtualUser, scenario: Scenario) -> str:
    """Whether the scenario can run ("ok"), or why not: a 404 means the page is not built yet."""
    answer = user.get(scenario.probe_path)
    if answer.status == 404:
        return "skipped: page missing"
    if answer.status != 200:
        return f"failed: {scenario.probe_path} answered HTTP {answer.status}"
    return "ok"


def direct_upstream(harness: Harness, scenario: Scenario, count: int, seed: int) -> LatencySummary | None:
    rng = random.Random(seed)
    return harness.probe.time_calls(lambda: scenario.upstream(rng), count)


def _measured(
    harness: Harness,
    users: Sequence[VirtualUser],
    drive: Callable[[Sequence[VirtualUser]], LoadRun],
) -> tuple[LoadRun, dict[str, Any], dict[str, float]]:
    before, cpu_before = harness.probe.counters(), cpu_snapshot(harness.cpu_groups())
    started = time.perf_counter()
    run = drive(users)
    wall = time.perf_counter() - started
    after, cpu_after = harness.probe.counters(), cpu_snapshot(harness.cpu_groups())
    return run, {"before": before, "after": after, "wall_s": wall}, cpu_delta(cpu_before, cpu_after)


def to_result(
    scenario: Scenario,
    *,
    users: int,
    latency_ms: int,
    mode: str,
    run: LoadRun,
    counters: dict[str, Any],
    cpu: dict[str, float],
    upstream: LatencySummary | None,
) -> ScenarioResult:
    before, after = counters["before"], counters["after"]
    by_endpoint = {
        key: after["by_endpoint"].get(key, 0) - before["by_endpoint"].get(key, 0) for key in after["by_endpoint"]
    }
    return ScenarioResult(
        key=scenario.key,
        title=scenario.title,
        users=users,
        latency_ms=latency_ms,
        mode=mode,
        kind=scenario.kind,
        upstream_calls=scenario.upstream_calls,
        round_trips=scenario.round_trips,
        latency=summarise(run.latencies),
        window_s=run.window_s,
        operations=run.operations,
        errors=run.errors,
        error_samples=run.first_errors(),
        upstream_requests=after["total"] - before["total"],
        upstream_by_endpoint={k: v for k, v in by_endpoint.items() if v},
        refresh_grants=after["grants"]["refresh_token"] - before["grants"]["refresh_token"],
        new_connections=after["connections"] - before["connections"],
        upstream=upstream,
        cpu_s=cpu,
        wall_s=round(counters["wall_s"], 3),
    )


def _driven(
    harness: Harness,
    scenario: Scenario,
    *,
    users: int,
    latency_ms: int,
    mode: str,
    upstream: LatencySummary | None,
    drive: Callable[[Sequence[VirtualUser]], LoadRun],
) -> tuple[ScenarioResult, LoadRun]:
    """`drive` the first `users` virtual users, measured (_measured), as one scenario's result."""
    run, counters, cpu = _measured(harness, harness.users[:users], drive)
    result = to_result(
        scenario, users=users, latency_ms=latency_ms, mode=mode, run=run, counters=counters, cpu=cpu, upstream=upstream
    )
    return result, run


def one_user(
    harness: Harness,
    scenario: Scenario,
    *,
    latency_ms: int,
    upstream: LatencySummary | None,
    warmup_s: float,
    window_s: float,
    max_ops: int,
) -> ScenarioResult:
    result, _run = _driven(
        harness,
        scenario,
        users=1,
        latency_ms=latency_ms,
        mode="closed",
        upstream=upstream,
        drive=lambda vus: closed_loop(vus, scenario.operation, warmup_s=warmup_s, duration_s=window_s, max_ops=max_ops),
    )
    return result


def shell_floor(harness: Harness, *, warmup_s: float, window_s: float, max_ops: int) -> dict[str, Any]:
    """The stack's own floor, at 1 user and 0 ms: the dashboard's CPU per page for the home page, which
    goes through every middleware, reads the session and the user, and renders the page shell with the
    menu bar, but calls Nexudus not at all. Every other page costs this plus its own content and calls."""
    run, _counters, cpu = _measured(
        harness,
        harness.users[:1],
        lambda vus: closed_loop(vus, shell_operation(), warmup_s=warmup_s, duration_s=window_s, max_ops=max_ops),
    )
    latency = summarise(run.latencies) if run.latencies else None
    return {
        "path": SHELL_PATH,
        "pages": run.operations,
        "errors": run.errors,
        "cpu_ms_per_page": round(cpu["dashboard"] * 1000 / run.operations, 2) if run.operations else None,
        "p50_ms": round(latency.p50, 2) if latency else None,
    }


def many_users_open(
    harness: Harness,
    scenario: Scenario,
    *,
    users: int,
    latency_ms: int,
    rate: float,
    upstream: LatencySummary | None,
    warmup_s: float,
    window_s: float,
    mode: str = "open",
) -> ScenarioResult:
    """`users` each sending ~`rate` operations a second (Poisson). `mode` names the load in the results:
    "open" (~1 page a second each) or "ramp-N" (a step of the capacity ramp, N pages a second in all)."""
    result, run = _driven(
        harness,
        scenario,
        users=users,
        latency_ms=latency_ms,
        mode=mode,
        upstream=upstream,
        drive=lambda vus: open_loop(
            vus, scenario.operation, rate_per_user=rate, warmup_s=warmup_s, duration_s=window_s
        ),
    )
    if upstream is not None:
        instant = instant_dashboard_p99(run.samples, upstream.p50 * scenario.round_trips / 1000)
        result.instant_p99_ms = None if instant is None else instant * 1000
    return result


def many_agents(
    harness: Harness,
    scenario: Scenario,
    *,
    users: int,
    latency_ms: int,
    think_s: float,
    upstream: LatencySummary | None,
    warmup_s: float,
    window_s: float,
) -> ScenarioResult:
    """The realistic load ("paced"): `users` agents, each reading its page and thinking ~`think_s`
    (exponential) before the next (load.agents)."""
    result, _run = _driven(
        harness,
        scenario,
        users=users,
        latency_ms=latency_ms,
        mode="paced",
        upstream=upstream,
        drive=lambda vus: agents(vus, scenario.operation, think_s=think_s, warmup_s=warmup_s, duration_s=window_s),
    )
    return result


def saturation(
    harness: Harness,
    scenario: Scenario,
    *,
    users: int,
    latency_ms: int,
    upstream: LatencySummary | None,
    warmup_s: float,
    window_s: float,
) -> ScenarioResult:
    result, _run = _driven(
        harness,
        scenario,
        users=users,
        latency_ms=latency_ms,
        mode="closed",
        upstream=upstream,
        drive=lambda vus: closed_loop(vus, scenario.operation, warmup_s=warmup_s, duration_s=window_s),
    )
    return result


def skipped(scenario: Scenario, *, users: int, latency_ms: int, mode: str, status: str) -> ScenarioResult:
    return ScenarioResult(
        key=scenario.key,
        title=scenario.title,
        users=users,
        latency_ms=latency_ms,
        mode=mode,
        kind=scenario.kind,
        upstream_calls=scenario.upstream_calls,
        round_trips=scenario.round_trips,
        status=status,
    )
