"""Issue 9's targets, turned into PASS / MISS checks from the measured figures. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .results import Check, ScenarioResult
from .scenarios import LOCK_CONTENDED_KEY
from .stats import ratio

ADDED_P50_MS = {"token_search_25": 10.0, "ledger_search_25": 10.0, "token_search_100": 25.0, "ledger_search_100": 25.0}
RATIO_AT_100MS = 1.10
INVOICE_RATIO = 1.3
OPEN_P99_FACTOR = 2.0
SATURATION_SHARE = 0.70
EXPORT_RSS_MB = 50.0
EXPORT_TIME_FACTOR = 1.2
FULL_PAGE_KB = 150.0
FRAGMENT_KB = 20.0
SATURATION_KEY = "token_search_25"


def _ok(results: Iterable[ScenarioResult]) -> list[ScenarioResult]:
    return [r for r in results if r.status == "ok" and r.latency is not None]


def _find(results: Iterable[ScenarioResult], key: str, users: int, latency_ms: int, mode: str) -> ScenarioResult | None:
    return next(
        (r for r in _ok(results) if (r.key, r.users, r.latency_ms, r.mode) == (key, users, latency_ms, mode)), None
    )


def latency_checks(results: list[ScenarioResult]) -> list[Check]:
    checks = []
    for key, limit in ADDED_P50_MS.items():
        for latency_ms in (0, 100):
            r = _find(results, key, 1, latency_ms, "closed")
            if r is not None:
                checks.append(
                    Check.of(
                        f"added p50 over upstream, {key}, 1 user, {latency_ms} ms", r.added_p50_ms, limit, unit=" ms"
                    )
                )
    for r in _ok(results):
        if r.users == 1 and r.latency_ms == 100 and r.kind in {"search", "detail"}:
            checks.append(
                Check.of(
                    f"ratio p50 dashboard/upstream, {r.key}, 1 user, 100 ms", r.ratio_p50, RATIO_AT_100MS, digits=2
                )
            )
    invoice = _find(results, "invoice_lookup", 1, 100, "closed")
    if invoice is not None:
        checks.append(
            Check.of(
                "invoice lookup p50 / one upstream latency, 1 user, 100 ms", invoice.ratio_p50, INVOICE_RATIO, digits=2
            )
        )
    return checks


def upstream_checks(results: list[ScenarioResult], extras: dict[str, Any]) -> list[Check]:
    checks = []
    for r in _ok(results):
        if r.one_upstream and r.upstream_per_page is not None:
            value = r.upstream_per_page
            checks.append(
                Check(
                    f"upstream requests per page, {r.label}",
                    f"{value:.2f}",
                    "= 1.00",
                    "PASS" if abs(value - 1.0) < 1e-9 else "MISS",
                )
            )
    grants = extras.get("refresh_grants_total")
    if grants is not None:
        checks.append(
            Check(
                "token refresh grants while tokens valid (whole run)",
                str(grants),
                "= 0",
                "PASS" if grants == 0 else "MISS",
            )
        )
    connections, threads = extras.get("upstream_connections"), extras.get("worker_threads")
    if connections is not None and threads:
        checks.append(Check.of("new upstream TCP connections (whole run)", connections, threads, digits=0))
    return checks


def load_checks(results: list[ScenarioResult], extras: dict[str, Any]) -> list[Check]:
    checks = []
    for r in _ok(results):
        if r.key == LOCK_CONTENDED_KEY:
            continue  # every user on one customer is a deliberate worst case: reported (report.lock_lines), not judged
        if r.mode == "open" and r.latency_ms == 100 and r.upstream is not None and r.latency is not None:
            limit = OPEN_P99_FACTOR * r.upstream.p50
            checks.append(Check.of(f"p99, {r.label}", r.latency.p99, limit, unit=" ms"))
            checks.append(Check.of(f"errors, {r.label}", r.errors, 0, digits=0))
    cpu_bound = _find(results, SATURATION_KEY, _max_users(results), 0, "closed")
    for latency_ms in (0, 100):
        r = _find(results, SATURATION_KEY, _max_users(results), latency_ms, "closed")
        if r is None or cpu_bound is None:
            continue
        threads = extras.get("worker_threads")
        upstream_s = (r.upstream.p50 / 1000) if r.upstream else None
        thread_bound = threads / upstream_s if threads and upstream_s else float("inf")
        ceiling = min(thread_bound, cpu_bound.throughput)
        checks.append(
            Check.of(
                f"saturation throughput, {r.label} (ceiling {ceiling:.0f} req/s)",
                r.throughput,
                SATURATION_SHARE * ceiling,
                unit=" req/s",
                at_most=False,
            )
        )
        checks.append(Check.of(f"errors, {r.label}", r.errors, 0, digits=0))
    return checks


def _max_users(results: list[ScenarioResult]) -> int:
    return max((r.users for r in results), default=1)


def export_checks(extras: dict[str, Any]) -> list[Check]:
    checks = []
    for run in extras.get("export", []):
        name = f"CSV export of {run.get('requested_rows', '?')} rows, {run['latency_ms']} ms"
        if run.get("status") != "ok":
            checks.append(Check(name, run.get("status", "not run"), "runs", "n/a"))
            continue
        growth_mb = run["rss_growth_bytes"] / 1e6
        checks.append(Check.of(f"{name}: worker peak RSS growth", growth_mb, EXPORT_RSS_MB, unit=" MB"))
        checks.append(
            Check.of(
                f"{name}: time / sum of direct page fetches",
                ratio(run["seconds"], run["upstream_sum_s"]),
                EXPORT_TIME_FACTOR,
                digits=2,
            )
        )
    return checks


def weight_checks(extras: dict[str, Any]) -> list[Check]:
    weight = extras.get("page_weight") or {}
    checks = []
    if "full_page_bytes" in weight:
        checks.append(
            Check.of(
                "first full page transferred (HTML+CSS+JS, compressed)",
                weight["full_page_bytes"] / 1024,
                FULL_PAGE_KB,
                unit=" KB",
            )
        )
    if "fragment_bytes" in weight:
        checks.append(
            Check.of("25-row table fragment transferred", weight["fragment_bytes"] / 1024, FRAGMENT_KB, unit=" KB")
        )
    return checks


def evaluate(results: list[ScenarioResult], extras: dict[str, Any]) -> list[Check]:
    return [
        *latency_checks(results),
        *upstream_checks(results, extras),
        *load_checks(results, extras),
        *export_checks(extras),
        *weight_checks(extras),
    ]
