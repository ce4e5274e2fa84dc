"""Presenting a run: the console table, results.json, and the generated block of bench/README.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import statements, targets
from .results import Check, ScenarioResult
from .scenarios import LOCK_CONTENDED_KEY, LOCK_FREE_KEY

README_START = "<!-- bench:results:start -->"
README_END = "<!-- bench:results:end -->"

COLUMNS = (
    "scenario",
    "users",
    "lat",
    "mode",
    "p50",
    "p95",
    "p99",
    "req/s",
    "err",
    "up/page",
    "up p50",
    "ratio",
    "added",
    "cpu/page",
)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def scenario_row(r: ScenarioResult) -> tuple[str, ...]:
    head = (r.key, str(r.users), f"{r.latency_ms}ms", r.mode)
    if r.status != "ok" or r.latency is None:
        return (*head, r.status, *([""] * (len(COLUMNS) - len(head) - 1)))
    return (
        *head,
        _fmt(r.latency.p50),
        _fmt(r.latency.p95),
        _fmt(r.latency.p99),
        _fmt(r.throughput),
        str(r.errors),
        _fmt(r.upstream_per_page, 2),
        _fmt(r.upstream.p50 if r.upstream else None),
        _fmt(r.ratio_p50, 2),
        _fmt(r.added_p50_ms),
        _fmt(r.cpu_ms_per_page),
    )


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width text table; the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            width = widths[i] if i < len(widths) else len(cell)
            parts.append(str(cell).ljust(width) if i == 0 else str(cell).rjust(width))
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)])


def render_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines.extend("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows)
    return "\n".join(lines)


def check_rows(checks: Sequence[Check]) -> list[tuple[str, str, str, str]]:
    return [(c.name, c.figure, c.target, c.verdict) for c in checks]


def cpu_lines(results: Sequence[ScenarioResult], cpus: int) -> list[str]:
    """Where the CPU went in the many-user runs: seconds per process group and share of the machine."""
    lines = []
    for r in results:
        if not r.cpu_s or r.wall_s <= 0 or r.users == 1:
            continue
        capacity = r.wall_s * cpus
        shares = ", ".join(f"{name} {seconds:.1f} s ({seconds / capacity:.0%})" for name, seconds in r.cpu_s.items())
        lines.append(f"{r.label}: {shares} of {capacity:.0f} CPU-s; {r.new_connections} new upstream connections")
    return lines


def capacity_line(capacity: dict[str, Any]) -> str:
    steps = ", ".join(
        f"{mode.split('-')[1]}/s p99 {'-' if p99 is None else f'{p99:.0f}'} ms{f' ({errors} errors)' if errors else ''}"
        for mode, p99, errors in capacity["steps"]
    )
    bound = "" if capacity["ceiling_reached"] else " (the ramp's top step still held)"
    return (
        f"Capacity: {capacity['pages_per_s_per_core']:.0f} pages/s per core ({capacity['pages_per_s']} pages/s in all) "
        f"of {capacity['key']} at {capacity['latency_ms']} ms upstream with p99 ≤ 2 × the upstream floor{bound}; "
        f"ramp: {steps}"
    )


def shell_floor_line(floor: dict[str, Any]) -> str:
    """The stack's floor (measure.shell_floor), beside which every page's CPU per page reads."""
    cpu = floor.get("cpu_ms_per_page")
    errors = f", {floor['errors']} errors" if floor.get("errors") else ""
    return (
        f"Stack floor: the home page ({floor.get('path')}: middleware, session and user, the page shell and "
        f"menu bar, no Nexudus call) costs {'-' if cpu is None else f'{cpu:.1f}'} ms of dashboard CPU per page "
        f"(1 user, 0 ms, {floor.get('pages', 0)} pages{errors}); every page costs this plus its content and its "
        "Nexudus calls"
    )


def lock_lines(results: Sequence[ScenarioResult]) -> list[str]:
    """The ledger lock's cost on a create: p50 with writers on different customers (uncontended) and with
    every writer on one customer (contended), per users and latency."""
    by_key = {(r.key, r.users, r.latency_ms, r.mode): r for r in results if r.latency is not None}
    lines = []
    for (key, users, latency_ms, mode), free in sorted(by_key.items(), key=lambda item: item[0][1:]):
        if key != LOCK_FREE_KEY:
            continue
        contended = by_key.get((LOCK_CONTENDED_KEY, users, latency_ms, mode))
        if contended is None:
            continue
        extra = contended.latency.p50 - free.latency.p50
        who = f"{users} user{'s' if users != 1 else ''}, {latency_ms} ms, {mode} loop"
        lines.append(
            f"{who}: create p50 {free.latency.p50:.1f} ms "
            f"on different customers, {contended.latency.p50:.1f} ms all on one customer ({extra:+.1f} ms; "
            f"{contended.errors} refused or failed of {contended.operations})"
        )
    return lines


def console_report(results: Sequence[ScenarioResult], checks: Sequence[Check], extras: dict[str, Any]) -> str:
    parts = [
        "Scenarios (latencies in ms; 'up' = upstream measured directly; ratio = p50 / upstream p50; "
        "added = p50 - upstream p50)",
        render_table(COLUMNS, [scenario_row(r) for r in results]),
        "",
        "Targets",
        render_table(("target", "figure", "limit", "verdict"), check_rows(checks)),
    ]
    capacity = targets.capacity(results, extras.get("meta", {}).get("cpus") or 1)
    if capacity:
        parts += ["", capacity_line(capacity)]
    if extras.get("shell_floor"):
        parts += ["", shell_floor_line(extras["shell_floor"])]
    lock = lock_lines(results)
    if lock:
        parts += ["", "Ledger write lock: the cost on a ledger create, without and with contention", *lock]
    cpu = cpu_lines(results, extras.get("meta", {}).get("cpus") or 1)
    if cpu:
        parts += ["", "Where the CPU went (per process group; 'other' = the rest of the machine)", *cpu]
    profile = extras.get("profile") or {}
    if profile.get("top"):
        parts += [
            "",
            f"Profile of one worker during token_search_25 ({profile.get('samples', 0)} samples), "
            "top frames by own time:",
        ]
        parts += [f"  {row['share']:5.1%}  {row['frame']}" for row in profile["top"][:15]]
        parts += ["By layer (a stack counts for the first layer it touches, in this order):"]
        parts += [f"  {row['share']:5.1%}  {row['layer']}" for row in profile.get("layers", [])]
    exported = extras.get("profile_export") or {}
    if exported.get("top"):
        parts += ["", f"Profile of the worker serving the CSV export ({exported.get('samples', 0)} samples):"]
        parts += [f"  {row['share']:5.1%}  {row['frame']}" for row in exported["top"][:10]]
        parts += [f"  {row['share']:5.1%}  layer: {row['layer']}" for row in exported.get("layers", [])[:6]]
    parts += statements.report_lines(extras.get("statement_import") or {})
    passed = sum(c.verdict == "PASS" for c in checks)
    missed = sum(c.verdict == "MISS" for c in checks)
    parts += [
        "",
        f"{passed} PASS, {missed} MISS, {len(checks) - passed - missed} n/a; "
        f"run took {extras.get('elapsed_s', 0):.0f} s",
    ]
    return "\n".join(parts)


def to_json(results: Sequence[ScenarioResult], checks: Sequence[Check], extras: dict[str, Any]) -> dict[str, Any]:
    return {
        "scenarios": [r.as_dict() for r in results],
        "checks": [c.as_dict() for c in checks],
        "extras": extras,
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n")


def readme_block(results: Sequence[ScenarioResult], checks: Sequence[Check], extras: dict[str, Any]) -> str:
    meta = extras.get("meta", {})
    lines = [
        README_START,
        f"_Last run: {meta.get('finished', '?')}, {meta.get('mode', '?')} mode, commit {meta.get('commit', '?')}, "
        f"{meta.get('cpus', '?')} CPUs, {extras.get('elapsed_s', 0):.0f} s. Generated by `make bench`; "
        "do not edit by hand._",
        "",
        render_markdown(("target", "figure", "limit", "verdict"), check_rows(checks)),
        "",
        render_markdown(COLUMNS, [scenario_row(r) for r in results]),
    ]
    if extras.get("shell_floor"):
        lines += ["", shell_floor_line(extras["shell_floor"]) + "."]
    cpu = cpu_lines(results, meta.get("cpus") or 1)
    if cpu:
        lines += [
            "",
            "CPU by process group ('other' = the rest of the shared machine):",
            "",
            *[f"- {line}" for line in cpu],
        ]
    lines.append(README_END)
    return "\n".join(lines)


def update_readme(path: Path, block: str) -> None:
    """Replace the generated block of the README (appending it when the markers are missing)."""
    text = path.read_text() if path.exists() else ""
    if README_START in text and README_END in text:
        before = text.split(README_START, 1)[0]
        after = text.split(README_END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
