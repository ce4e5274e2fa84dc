"""Pure statistics of a measured window: percentiles, latency summaries, ratios. No I/O, no clocks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between closest ranks (numpy's default).

    Raises ValueError for an empty sequence or q outside 0..100, so a missing sample is never a zero.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile rank {q} is outside 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LatencySummary:
    """Latencies of one window, in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "count": self.count,
            "p50_ms": round(self.p50, 2),
            "p95_ms": round(self.p95, 2),
            "p99_ms": round(self.p99, 2),
            "mean_ms": round(self.mean, 2),
            "max_ms": round(self.max, 2),
        }


def summarise(latencies_s: Sequence[float]) -> LatencySummary | None:
    """p50/p95/p99/mean/max in ms of latencies given in seconds; None when there are none."""
    if not latencies_s:
        return None
    ms = [value * 1000 for value in latencies_s]
    return LatencySummary(
        count=len(ms),
        p50=percentile(ms, 50),
        p95=percentile(ms, 95),
        p99=percentile(ms, 99),
        mean=sum(ms) / len(ms),
        max=max(ms),
    )


def ratio(measured: float | None, baseline: float | None) -> float | None:
    """measured / baseline, or None when either is missing or the baseline is not positive."""
    if measured is None or baseline is None or baseline <= 0:
        return None
    return measured / baseline


def per_unit(total: float | None, units: int) -> float | None:
    """total / units (e.g. upstream requests per page), None when nothing was measured."""
    if total is None or units <= 0:
        return None
    return total / units


def throughput(count: int, seconds: float) -> float:
    """Completed operations per second over a window; 0 for an empty or zero-length window."""
    return count / seconds if seconds > 0 and count > 0 else 0.0
