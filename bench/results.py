"""The figures of one run: one `ScenarioResult` per (scenario, users, latency), plus run-wide measurements.

Plain dataclasses with `as_dict()`, so results.json, the printed table and the README summary all come
from the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .stats import LatencySummary, per_unit, ratio, throughput


@dataclass
class ScenarioResult:
    key: str
    title: str
    users: int
    latency_ms: int
    mode: str  # "closed" (no think time), "open" (~1 request a second per user), "paced" (agents) or "ramp-N"
    kind: str = ""  # search | detail | invoice | customer | create
    upstream_calls: int = 0  # target: exactly this many upstream requests per page (0: not judged)
    round_trips: int = 1  # sequential upstream round trips a page needs: its upstream floor
    status: str = "ok"  # or "skipped: page missing", "failed: ..."
    latency: LatencySummary | None = None
    window_s: float = 0.0
    operations: int = 0  # every operation sent, warm-up included
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    upstream_requests: int | None = None  # sandbox counter delta over all operations
    upstream_by_endpoint: dict[str, int] = field(default_factory=dict)
    refresh_grants: int = 0
    new_connections: int | None = None  # upstream TCP connections the sandbox accepted meanwhile
    upstream: LatencySummary | None = None  # the same request timed directly against the sandbox
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU seconds per process group over wall_s
    wall_s: float = 0.0  # wall time of the whole drive, warm-up included
    notes: list[str] = field(default_factory=list)
    # Open loop only: the p99 (ms) of the same schedule if the dashboard added nothing (load.instant_dashboard_p99).
    instant_p99_ms: float | None = None

    @property
    def label(self) -> str:
        return f"{self.key}@{self.users}u/{self.latency_ms}ms/{self.mode}"

    @property
    def throughput(self) -> float:
        return throughput(self.latency.count if self.latency else 0, self.window_s)

    @property
    def upstream_per_page(self) -> float | None:
        return per_unit(self.upstream_requests, self.operations)

    @property
    def upstream_floor_ms(self) -> float | None:
        """What Nexudus alone makes a page wait: one direct request's p50 per sequential round trip."""
        return self.upstream.p50 * self.round_trips if self.upstream else None

    @property
    def ratio_p50(self) -> float | None:
        return ratio(self.latency.p50 if self.latency else None, self.upstream_floor_ms)

    @property
    def added_p50_ms(self) -> float | None:
        floor = self.upstream_floor_ms
        if self.latency is None or floor is None:
            return None
        return self.latency.p50 - floor

    @property
    def cpu_ms_per_page(self) -> float | None:
        """The dashboard's CPU (gunicorn master + workers, user + system) per operation: for a create, all
        the requests of its flow together. Warm-up is on both sides of the division."""
        seconds = self.cpu_s.get("dashboard")
        return None if seconds is None or not self.operations else seconds * 1000 / self.operations

    @property
    def new_connections_per_1000(self) -> float | None:
        """New upstream TCP connections per 1,000 operations of the window (warm-up included)."""
        if self.new_connections is None or not self.operations:
            return None
        return self.new_connections * 1000 / self.operations

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "users": self.users,
            "latency_ms": self.latency_ms,
            "mode": self.mode,
            "kind": self.kind,
            "status": self.status,
            "latency": self.latency.as_dict() if self.latency else None,
            "throughput_rps": round(self.throughput, 2),
            "window_s": round(self.window_s, 2),
            "operations": self.operations,
            "errors": self.errors,
            "error_samples": self.error_samples,
            "upstream_requests": self.upstream_requests,
            "upstream_per_page": _round(self.upstream_per_page, 3),
            "upstream_by_endpoint": self.upstream_by_endpoint,
            "refresh_grants": self.refresh_grants,
            "new_connections": self.new_connections,
            "upstream_direct": self.upstream.as_dict() if self.upstream else None,
            "ratio_p50": _round(self.ratio_p50, 3),
            "added_p50_ms": _round(self.added_p50_ms, 2),
            "cpu_s": self.cpu_s,
            "cpu_ms_per_page": _round(self.cpu_ms_per_page, 2),
            "round_trips": self.round_trips,
            "wall_s": self.wall_s,
            "notes": self.notes,
            "instant_p99_ms": _round(self.instant_p99_ms, 1),
        }


@dataclass(frozen=True)
class Check:
    """One target: the measured figure next to the target, and PASS / MISS (or n/a when not measured)."""

    name: str
    figure: str
    target: str
    verdict: str  # PASS | MISS | n/a

    @classmethod
    def of(
        cls, name: str, value: float | None, limit: float, *, unit: str = "", at_most: bool = True, digits: int = 1
    ) -> Check:
        if value is None:
            return cls(name, "not measured", f"{'≤' if at_most else '≥'} {limit:.{digits}f}{unit}", "n/a")
        passed = value <= limit if at_most else value >= limit
        return cls(
            name,
            f"{value:.{digits}f}{unit}",
            f"{'≤' if at_most else '≥'} {limit:.{digits}f}{unit}",
            "PASS" if passed else "MISS",
        )

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "figure": self.figure, "target": self.target, "verdict": self.verdict}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
