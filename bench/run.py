"""The whole benchmark, start to finish: services up, users signed in, every scenario at 0 and 100 ms
upstream latency (1 user, many users open-loop, saturation), CSV export, profile, page weight, report.

A run never starts a new scenario after `BENCH_DEADLINE` seconds (those are reported as skipped), so
`make bench` stays within its time budget even on a slower machine.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from typing import Any

from . import export, measure, pageweight, profiling, report, services, statements, targets
from .browser import VirtualUser
from .config import (
    PROBE_ACCOUNT,
    README,
    RESULTS_JSON,
    ROOT,
    SANDBOX_PASSWORD,
    VAR,
    BenchConfig,
    load,
    nexudus_accounts,
)
from .load import closed_loop
from .procstat import children, load_average
from .results import ScenarioResult
from .scenarios import Pools, Scenario, build
from .stats import LatencySummary
from .upstream import UpstreamProbe

PROFILE_USERS = 4


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def sign_in_all(base_url: str, count: int) -> list[VirtualUser]:
    """`count` virtual users, each with its own dashboard session and its own Nexudus account (the sandbox
    was started with as many `--bench-users`)."""
    users = []
    for email in nexudus_accounts(count):
        user = VirtualUser(base_url, email, SANDBOX_PASSWORD)
        user.sign_in()
        users.append(user)
    return users


class Run:
    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.started = time.monotonic()
        self.results: list[ScenarioResult] = []
        self.extras: dict[str, Any] = {
            "worker_threads": config.worker_threads,
            # settings.NEXUDUS_POOL_SIZE's default: a connection per request thread and per fan-out thread
            # (LOOKUP_THREADS = 2 per request thread), in each worker.
            "upstream_pool": config.workers * config.threads * 3,
            "export": [],
        }

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def out_of_time(self) -> bool:
        return self.elapsed > self.config.deadline_s

    # --- per latency --------------------------------------------------------------------------------

    def at_latency(
        self, harness: measure.Harness, scenarios: list[Scenario], present: dict[str, str], latency_ms: int
    ) -> None:
        c = self.config
        harness.probe.set_latency(latency_ms)
        floors: dict[str, LatencySummary | None] = {}
        for s in scenarios:
            if present[s.key] != "ok" or self.out_of_time():
                status = present[s.key] if present[s.key] != "ok" else "skipped: time budget"
                self.results.append(measure.skipped(s, users=1, latency_ms=latency_ms, mode="closed", status=status))
                continue
            floors[s.key] = measure.direct_upstream(harness, s, c.probe_count, seed=latency_ms + 7)
            log(f"{latency_ms} ms, 1 user: {s.key}")
            self.results.append(
                measure.one_user(
                    harness,
                    s,
                    latency_ms=latency_ms,
                    upstream=floors[s.key],
                    warmup_s=c.warmup_s,
                    window_s=c.window_1user_s,
                    max_ops=c.max_ops_1user,
                )
            )
        for s in scenarios:
            if s.key not in floors or self.out_of_time():
                status = present[s.key] if present[s.key] != "ok" else "skipped: time budget"
                self.results.append(
                    measure.skipped(s, users=c.users, latency_ms=latency_ms, mode="open", status=status)
                )
                continue
            log(f"{latency_ms} ms, {c.users} users open loop: {s.key}")
            self.results.append(
                self._many(harness, s, floors, latency_ms, c.open_rate_per_user / s.requests_per_op, c.window_many_s)
            )
        if latency_ms == targets.PACED_LATENCY_MS:
            self.paced(harness, [s for s in scenarios if s.key in floors], floors, latency_ms)
            self.capacity(harness, next(s for s in scenarios if s.key == targets.SATURATION_KEY), floors, latency_ms)
        saturating = next(s for s in scenarios if s.key == targets.SATURATION_KEY)
        if saturating.key in floors and not self.out_of_time():
            log(f"{latency_ms} ms, {c.users} users closed loop (saturation): {saturating.key}")
            self.results.append(
                measure.saturation(
                    harness,
                    saturating,
                    users=c.users,
                    latency_ms=latency_ms,
                    upstream=floors[saturating.key],
                    warmup_s=c.warmup_s,
                    window_s=c.saturation_s,
                )
            )

    def _many(
        self,
        harness: measure.Harness,
        scenario: Scenario,
        floors: dict[str, LatencySummary | None],
        latency_ms: int,
        rate: float,
        window_s: float,
        mode: str = "open",
    ) -> ScenarioResult:
        """One open-loop window of every virtual user sending `rate` operations a second each."""
        return measure.many_users_open(
            harness,
            scenario,
            users=self.config.users,
            latency_ms=latency_ms,
            rate=rate,
            upstream=floors[scenario.key],
            warmup_s=self.config.warmup_s,
            window_s=window_s,
            mode=mode,
        )

    def paced(
        self,
        harness: measure.Harness,
        scenarios: list[Scenario],
        floors: dict[str, LatencySummary | None],
        latency_ms: int,
    ) -> None:
        """The realistic load: every user an agent who asks for a page about every 5 s, after reading the
        last one (a create flow's requests spread likewise)."""
        c = self.config
        for s in scenarios:
            if s.key in targets.NOT_PACED or self.out_of_time():
                continue
            log(f"{latency_ms} ms, {c.users} agents, a page every {1 / c.paced_rate_per_user:.0f} s: {s.key}")
            self.results.append(
                measure.many_agents(
                    harness,
                    s,
                    users=c.users,
                    latency_ms=latency_ms,
                    think_s=s.requests_per_op / c.paced_rate_per_user,
                    upstream=floors[s.key],
                    warmup_s=c.warmup_s,
                    window_s=c.window_paced_s,
                )
            )

    def capacity(
        self, harness: measure.Harness, scenario: Scenario, floors: dict[str, LatencySummary | None], latency_ms: int
    ) -> None:
        """A ramp of open-loop load on one page, RAMP_RATES pages a second in all, until p99 passes
        2 × its upstream floor or a request fails: the last rate that held, per core, is the capacity."""
        c = self.config
        if scenario.key not in floors:
            return
        for rate in targets.RAMP_RATES:
            if self.out_of_time():
                return
            log(f"{latency_ms} ms, capacity ramp: {scenario.key} at {rate} pages/s")
            result = self._many(
                harness, scenario, floors, latency_ms, rate / c.users, c.capacity_step_s, mode=f"ramp-{rate}"
            )
            self.results.append(result)
            if not targets.holds(result):
                return

    # --- one-off measurements -------------------------------------------------------------------------

    def export_at(self, harness: measure.Harness, workers: list[int], latency_ms: int) -> None:
        if self.out_of_time():
            self.extras["export"].append(
                {"latency_ms": latency_ms, "requested_rows": self.config.export_rows, "status": "skipped: time budget"}
            )
            return
        harness.probe.set_latency(latency_ms)
        log(f"{latency_ms} ms: CSV export of {self.config.export_rows} rows")
        try:
            outcome = export.run_export(
                harness.users[0], harness.probe, workers, rows=self.config.export_rows, latency_ms=latency_ms
            )
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not lose the others' figures
            outcome = {
                "latency_ms": latency_ms,
                "requested_rows": self.config.export_rows,
                "status": f"failed: {type(exc).__name__}: {exc}",
            }
        self.extras["export"].append(outcome)

    def profile_export(self, harness: measure.Harness, workers: list[int]) -> None:
        """py-spy on every worker (whichever serves it) during one more export at 0 ms; keeps the busiest."""
        if not profiling.available() or self.out_of_time() or not workers:
            return
        harness.probe.set_latency(0)
        log("profiling the CSV export")
        outputs = {pid: VAR / f"profile-export-{pid}.txt" for pid in workers}
        for output in outputs.values():
            output.unlink(missing_ok=True)
        spies = [profiling.record(pid, 60, output) for pid, output in outputs.items()]
        time.sleep(1.0)
        try:
            export.run_export(harness.users[0], harness.probe, [], rows=self.config.export_rows, latency_ms=0)
        finally:
            for spy in spies:
                spy.send_signal(signal.SIGINT)  # py-spy writes what it has on Ctrl-C
            for spy in spies:
                try:
                    spy.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    spy.kill()
        profiles = [profiling.load(output) for output in outputs.values()]
        self.extras["profile_export"] = max(profiles, key=lambda p: p.get("samples", 0))

    def statement_import(self, user: VirtualUser, probe: UpstreamProbe, env: dict[str, str]) -> None:
        """Lines per minute of a bank statement import by the real worker, against the write budget."""
        if self.out_of_time():
            self.extras["statement_import"] = {"status": "skipped: time budget"}
            return
        log("statement import through the background worker, against a scaled write budget")
        try:
            self.extras["statement_import"] = statements.measure(user, probe, env)
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not lose the others' figures
            self.extras["statement_import"] = {"status": f"failed: {type(exc).__name__}: {exc}"}

    def profile(self, harness: measure.Harness, scenario: Scenario, workers: list[int]) -> None:
        if not profiling.available():
            self.extras["profile"] = {"status": "py-spy not installed (.venv/bin/pip install py-spy)"}
            return
        if self.out_of_time() or not workers:
            self.extras["profile"] = {"status": "skipped: time budget"}
            return
        harness.probe.set_latency(0)
        output = VAR / "profile-token-search-25.txt"
        output.unlink(missing_ok=True)
        log(f"profiling worker {workers[0]} during {scenario.key} for {self.config.profile_s:.0f} s")
        spy = profiling.record(workers[0], self.config.profile_s, output)
        time.sleep(1.0)  # py-spy attaches before the load starts
        closed_loop(harness.users[:PROFILE_USERS], scenario.operation, warmup_s=0, duration_s=self.config.profile_s)
        try:
            _, stderr = spy.communicate(timeout=self.config.profile_s + 30)
        except subprocess.TimeoutExpired:
            spy.kill()
            stderr = b"timed out"
        self.extras["profile"] = profiling.load(output)
        if spy.returncode:
            self.extras["profile"]["py_spy_stderr"] = stderr.decode(errors="replace")[-500:]


def _commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5
            ).stdout.strip()
            or "?"
        )
    except (OSError, subprocess.SubprocessError):
        return "?"


def execute(config: BenchConfig) -> Run:
    run = Run(config)
    run.extras["load_average_start"] = load_average()
    log(f"{'quick' if config.quick else 'full'} run; preparing the sandbox database")
    if services.prepare_sandbox_db():
        log("seeded the cached large sandbox database")
    sandbox = services.start_sandbox(bench_users=config.users)
    dashboard = None
    probe = UpstreamProbe("127.0.0.1", int(sandbox.url.rsplit(":", 1)[1]))
    try:
        probe.sign_in(PROBE_ACCOUNT, SANDBOX_PASSWORD)
        env = services.dashboard_env(sandbox.url, services.free_port(), config)
        log("migrating and collecting static files")
        services.prepare_dashboard(env)
        probe.set_latency(0)
        probe.control("POST", "counters/reset")
        probe_connections = probe.connections_opened
        dashboard = services.start_dashboard(env, config)
        workers = children(dashboard.pid)
        log(f"gunicorn {dashboard.url} (workers {workers}); sandbox {sandbox.url}; signing in {config.users} users")
        users = sign_in_all(dashboard.url, config.users)
        grants_after_signin = probe.counters()["grants"]["refresh_token"]
        harness = measure.Harness(
            probe,
            users,
            lambda: {
                "dashboard": [dashboard.pid, *children(dashboard.pid)],
                "sandbox": [sandbox.pid],
                "loadgen": [os.getpid()],
            },
        )
        scenarios = build(Pools.load(probe))
        if config.only:
            keep = {*config.only, targets.SATURATION_KEY}
            scenarios = [s for s in scenarios if s.key in keep]
        present = {s.key: measure.page_status(users[0], s) for s in scenarios}
        log("pages: " + ", ".join(f"{k} {v}" for k, v in present.items()))
        probe.set_latency(0)
        log("0 ms, 1 user: the page shell (home), the stack's floor")
        run.extras["shell_floor"] = measure.shell_floor(
            harness, warmup_s=config.warmup_s, window_s=config.window_1user_s, max_ops=config.max_ops_1user
        )
        for latency_ms in config.latencies_ms:
            run.at_latency(harness, scenarios, present, latency_ms)
            if config.export:
                run.export_at(harness, children(dashboard.pid), latency_ms)
        if config.statements:
            run.statement_import(users[0], probe, env)
        token_search = next(s for s in scenarios if s.key == targets.SATURATION_KEY)
        if present[token_search.key] == "ok":
            run.profile(harness, token_search, children(dashboard.pid))
            if config.export:
                run.profile_export(harness, children(dashboard.pid))
            probe.set_latency(0)
            run.extras["page_weight"] = pageweight.measure(
                users[-1], "/payment-tokens/?provider=2", "/payment-tokens/?provider=2&page=2"
            )
        counters = probe.counters()
        run.extras["refresh_grants_total"] = counters["grants"]["refresh_token"] - grants_after_signin
        run.extras["upstream_connections"] = counters["connections"] - (probe.connections_opened - probe_connections)
        run.extras["upstream_connections_raw"] = counters["connections"]
        run.extras["worker_pids_end"] = children(dashboard.pid)
        run.extras["worker_pids_start"] = workers
        run.extras["load_average_end"] = load_average()
    finally:
        probe.close()
        if dashboard is not None:
            dashboard.stop()
        sandbox.stop()
    return run


def main() -> int:
    config = load()
    run = execute(config)
    run.extras["elapsed_s"] = round(run.elapsed, 1)
    run.extras["meta"] = {
        "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "quick" if config.quick else "full",
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "config": {k: v for k, v in vars(config).items()},
    }
    checks = targets.evaluate(run.results, run.extras)
    print(report.console_report(run.results, checks, run.extras), flush=True)
    report.write_json(RESULTS_JSON, report.to_json(run.results, checks, run.extras))
    report.update_readme(README, report.readme_block(run.results, checks, run.extras))
    log(f"wrote {RESULTS_JSON.relative_to(ROOT)} and the results block of {README.relative_to(ROOT)}")
    return 0
