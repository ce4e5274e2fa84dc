"""Command line of the sandbox, shared by `manage.py nexudus_sandbox` and `python -m sandbox`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .app import Sandbox, Seeding
from .config import CHOICES, DEFAULT_PROFILE, NUMBER_CHOICES, Config
from .db import Database
from .seed import seed_database
from .server import serve

PROFILE_ENV = "NEXUDUS_SANDBOX_PROFILE"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "sandbox.sqlite3"


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number >= 0")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite file (default var/sandbox.sqlite3)")
    parser.add_argument("--memory", action="store_true", help="in-memory database, seeded at start")
    parser.add_argument("--seed", type=int, default=1, help="seed of the demo data (default 1)")
    parser.add_argument("--scale", choices=("small", "large"), default="small")
    parser.add_argument("--latency-ms", type=int, default=0, help="added delay before every /api/ answer")
    parser.add_argument("--no-throttle", action="store_true", help="switch rate limiting off")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime, seconds")
    parser.add_argument(
        "--profile",
        choices=CHOICES["profile"],
        default=os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE,
        help=f"observed: as public captures of the live API show it; documented: as the docs say "
        f"(default ${PROFILE_ENV}, else {DEFAULT_PROFILE}). The options below override the profile's preset.",
    )
    parser.add_argument("--role-error-status", type=int, choices=NUMBER_CHOICES["role_error_status"])
    parser.add_argument("--throttle-status", type=int, choices=NUMBER_CHOICES["throttle_status"])
    parser.add_argument(
        "--ledger-balance",
        choices=CHOICES["ledger_balance"],
        help="recompute: running balances recomputed (docs); as_sent: entries keep the Balance sent (seen live)",
    )
    parser.add_argument(
        "--dir-ascending", type=int, choices=NUMBER_CHOICES["dir_ascending"], help="the dir value meaning ascending"
    )
    parser.add_argument(
        "--enum-encoding", choices=CHOICES["enum_encoding"], help="names: single records carry enum names"
    )
    parser.add_argument("--password", default="sandbox", help="password of every demo user")
    parser.add_argument(
        "--bench-users",
        type=_count,
        default=0,
        metavar="N",
        help="add N staff accounts with the ops roles, bench-1@sandbox.test ... bench-N@sandbox.test (load tests)",
    )
    parser.add_argument("--reset", action="store_true", help="re-seed the file database")
    parser.add_argument("--verbose", action="store_true", help="log every request")


def build(options: dict[str, Any]) -> Sandbox:
    started = time.perf_counter()
    db = Database(None if options["memory"] else options["db"])
    seeding = Seeding(options["seed"], options["scale"])
    stored = (db.meta("seed"), db.meta("scale"))
    if options["memory"] or options["reset"] or db.is_empty():
        counts = seed_database(db, seeding.seed, seeding.scale)
        db.snapshot()
        print(f"Seeded {counts} in {time.perf_counter() - started:.2f} s", flush=True)
    elif stored != (str(seeding.seed), seeding.scale):
        # The file holds another seed's data: keep it (it may hold manual changes) and reset to it.
        seeding = Seeding(int(stored[0] or seeding.seed), stored[1] or seeding.scale)
        print(
            f"Keeping the existing data of seed {seeding.seed} ({seeding.scale}); use --reset to re-seed.", flush=True
        )
    defaults = Config.for_profile(
        options.get("profile") or DEFAULT_PROFILE,
        latency_ms=options["latency_ms"],
        throttle=not options["no_throttle"],
        throttle_status=options.get("throttle_status"),
        role_error_status=options.get("role_error_status"),
        token_lifetime_s=options["token_lifetime"],
        ledger_balance=options.get("ledger_balance"),
        dir_ascending=options.get("dir_ascending"),
        enum_encoding=options.get("enum_encoding"),
    )
    return Sandbox(db, defaults, seeding, password=options["password"], bench_users=options.get("bench_users") or 0)


def run(options: dict[str, Any]) -> None:
    sandbox = build(options)
    # SIGTERM (what test fixtures send) exits cleanly, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(sandbox, options["host"], options["port"], options.get("verbose", False))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="nexudus_sandbox", description="The Nexudus API sandbox.")
    add_arguments(parser)
    run(vars(parser.parse_args(argv)))
