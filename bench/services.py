"""Starting and stopping what is measured: the sandbox (large data set, cached file database) and the
dashboard under gunicorn with production settings, both on loopback ports of their own.

The seeded sandbox database is cached in var/bench/sandbox-large.sqlite3 (seeded once, ~15 s); each run
works on a fresh copy of it, so records created by a run never leak into the next one.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

from .config import GUNICORN, PY, ROOT, VAR, BenchConfig

SANDBOX_CACHE = VAR / "sandbox-large.sqlite3"
SANDBOX_RUN_DB = VAR / "sandbox-run.sqlite3"
DASHBOARD_DB = VAR / "dashboard.sqlite3"
STATIC_ROOT = VAR / "static"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    _log_file: IO[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM our own process (gunicorn: graceful shutdown of its workers), then SIGKILL if needed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log_file.close()


def _spawn(name: str, argv: list[str], env: Mapping[str, str], url: str) -> Service:
    log = VAR / f"{name}.log"
    log_file = log.open("wb")
    process = subprocess.Popen(
        argv, cwd=ROOT, env=dict(env), stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    return Service(name, process, url, log, log_file)


def _wait_http(service: Service, path: str, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited ({service.process.returncode}); see {service.log}")
        try:
            if requests.get(service.url + path, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{service.name} did not answer within {deadline_s:.0f} s; see {service.log}")


def sandbox_argv(db: Path, port: int, bench_users: int = 0) -> list[str]:
    """`bench_users`: that many extra staff accounts (`--bench-users`), one per virtual user. Accounts are not
    data, so the cached seeded database needs none."""
    return [
        str(PY),
        "-m",
        "sandbox",
        "--scale",
        "large",
        "--db",
        str(db),
        "--no-throttle",
        "--port",
        str(port),
        "--bench-users",
        str(bench_users),
    ]


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "dashboard.settings.base"
    return env


def prepare_sandbox_db() -> bool:
    """A fresh working copy of the seeded database; seeds the cache first when missing. True if seeded."""
    VAR.mkdir(parents=True, exist_ok=True)
    seeded = False
    if not SANDBOX_CACHE.exists():
        port = free_port()
        service = _spawn("sandbox-seed", sandbox_argv(SANDBOX_CACHE, port), _base_env(), f"http://127.0.0.1:{port}")
        try:
            _wait_http(service, "/_sandbox/health", 180)
        finally:
            service.stop()
        seeded = True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SANDBOX_RUN_DB}{suffix}").unlink(missing_ok=True)
    # The backup API copies a consistent database even if the cache still has a WAL beside it.
    with sqlite3.connect(SANDBOX_CACHE) as source, sqlite3.connect(SANDBOX_RUN_DB) as target:
        source.backup(target)
    return seeded


def start_sandbox(bench_users: int) -> Service:
    port = free_port()
    argv = sandbox_argv(SANDBOX_RUN_DB, port, bench_users)
    service = _spawn("sandbox", argv, _base_env(), f"http://127.0.0.1:{port}")
    _wait_http(service, "/_sandbox/health", 120)
    return service


def dashboard_env(sandbox_url: str, port: int, config: BenchConfig) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = _base_env()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dashboard.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FERNET_KEYS": Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": f"sqlite:///{DASHBOARD_DB}",
            "STATIC_ROOT": str(STATIC_ROOT),
            "BILLING_DESK_VAR_DIR": str(VAR),
            "NEXUDUS_API_URL": sandbox_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(config.workers),
            "GUNICORN_THREADS": str(config.threads),
            "LOG_FORMAT": "json",
            # Every virtual user has a Nexudus account of its own, like real agents, and the per-person read
            # budget (10 per 110 ms) stays on. The write budget (60/min per person, what Nexudus allows) is
            # off, like the sandbox's throttling: the 1-user closed loops create ~15 entries a second, and
            # the bench measures the dashboard's cost of a create, not Nexudus's rate limit (the statement
            # import measures the budget itself, with its own scaled-down setting).
            "NEXUDUS_BUDGET_WRITES": "0",
        }
    )
    env.pop("GUNICORN_CONTROL_SOCKET", None)
    return env


def prepare_dashboard(env: Mapping[str, str]) -> None:
    """Fresh database (migrated) and the hashed, compressed static files production serves."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DASHBOARD_DB}{suffix}").unlink(missing_ok=True)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--clear"]):
        subprocess.run(
            [str(PY), "manage.py", *command],
            cwd=ROOT,
            env=dict(env),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=300,
        )


def start_dashboard(env: Mapping[str, str], config: BenchConfig) -> Service:
    """gunicorn with the colleague's gunicorn.conf.py when present, else the equivalent flags."""
    conf = ROOT / "gunicorn.conf.py"
    bind = env["GUNICORN_BIND"]
    if conf.exists():
        argv = [str(GUNICORN), "-c", str(conf), "dashboard.wsgi:application"]
    else:
        argv = [
            str(GUNICORN),
            "dashboard.wsgi:application",
            "-k",
            "gthread",
            "--workers",
            str(config.workers),
            "--threads",
            str(config.threads),
            "--bind",
            bind,
            "--no-control-socket",
        ]
    service = _spawn("gunicorn", argv, env, f"http://{bind}")
    _wait_http(service, "/signin/", 60)
    return service
