"""Knobs of a benchmark run, read once from the environment. BENCH_QUICK=1 shrinks every window."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sandbox.auth import bench_email

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
RESULTS_JSON = ROOT / "bench" / "results.json"
README = ROOT / "bench" / "README.md"

SANDBOX_PASSWORD = "sandbox"
# The harness's own direct upstream requests (the floor) sign in as this account, not as a virtual user.
PROBE_ACCOUNT = "ops@sandbox.test"


def nexudus_accounts(count: int) -> tuple[str, ...]:
    """One Nexudus account per virtual user, as 50 real agents each have their own (own tokens, own
    per-person read budget): the sandbox's `--bench-users` staff accounts, which have the ops roles."""
    return tuple(bench_email(number) for number in range(1, count + 1))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class BenchConfig:
    quick: bool
    workers: int
    threads: int
    users: int  # concurrent virtual users of the "many users" runs
    latencies_ms: tuple[int, ...]
    window_1user_s: float  # measured window of a 1-user scenario
    max_ops_1user: int  # ... or this many operations, whichever comes first
    window_many_s: float  # measured window of a many-user scenario
    warmup_s: float
    saturation_s: float
    open_rate_per_user: float  # requests per second per user in the open-loop runs
    paced_rate_per_user: float  # the realistic load: an agent's page every 5 s
    window_paced_s: float  # measured window of a realistic-load run
    capacity_step_s: float  # measured window of each step of the capacity ramp
    probe_count: int  # direct upstream requests timed per scenario
    export_rows: int
    profile_s: float
    deadline_s: float  # the whole run stops starting new scenarios after this
    only: tuple[str, ...] = ()  # BENCH_ONLY=token_search_25,... limits the scenarios (while developing)
    export: bool = True  # BENCH_EXPORT=0 leaves the CSV export out
    statements: bool = True  # BENCH_STATEMENTS=0 leaves the statement import out

    @property
    def worker_threads(self) -> int:
        return self.workers * self.threads


def load() -> BenchConfig:
    quick = os.environ.get("BENCH_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}
    return BenchConfig(
        quick=quick,
        workers=_env_int("BENCH_WORKERS", 2),
        threads=_env_int("BENCH_THREADS", 8),  # gunicorn.conf.py's default
        users=_env_int("BENCH_USERS", 50),
        latencies_ms=(0, 100),
        window_1user_s=_env_float("BENCH_WINDOW_1USER", 2.0 if quick else 5.0),
        max_ops_1user=_env_int("BENCH_MAX_OPS_1USER", 40 if quick else 200),
        window_many_s=_env_float("BENCH_WINDOW_MANY", 3.0 if quick else 6.0),
        warmup_s=_env_float("BENCH_WARMUP", 0.5 if quick else 1.0),
        saturation_s=_env_float("BENCH_SATURATION", 4.0 if quick else 12.0),
        open_rate_per_user=_env_float("BENCH_RATE_PER_USER", 1.0),
        paced_rate_per_user=_env_float("BENCH_PACED_RATE_PER_USER", 0.2),
        window_paced_s=_env_float("BENCH_WINDOW_PACED", 4.0 if quick else 8.0),
        capacity_step_s=_env_float("BENCH_CAPACITY_STEP", 2.0 if quick else 4.0),
        probe_count=_env_int("BENCH_PROBES", 10 if quick else 30),
        export_rows=_env_int("BENCH_EXPORT_ROWS", 20_000),
        profile_s=_env_float("BENCH_PROFILE", 4.0 if quick else 10.0),
        deadline_s=_env_float("BENCH_DEADLINE", 570.0),
        only=tuple(key.strip() for key in os.environ.get("BENCH_ONLY", "").split(",") if key.strip()),
        export=os.environ.get("BENCH_EXPORT", "1").strip().lower() not in {"0", "false", "no", "off"},
        statements=os.environ.get("BENCH_STATEMENTS", "1").strip().lower() not in {"0", "false", "no", "off"},
    )
