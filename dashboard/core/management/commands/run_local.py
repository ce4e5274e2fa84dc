"""`make run`: start the Nexudus sandbox, the dashboard and its background worker, and stop all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEMO_USERS = (
    ("ops@sandbox.test", "operations: search and create payment tokens and ledger entries"),
    ("agent@sandbox.test", "support agent: search and read only"),
    ("admin@sandbox.test", "full administrator"),
    ("mfa@sandbox.test", "administrator with two-factor sign-in (see README for the code)"),
)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the local Nexudus sandbox and the dashboard on their embedded defaults."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Where the dashboard listens.")
        parser.add_argument("--no-sandbox", action="store_true", help="Use NEXUDUS_API_URL as it is.")

    def handle(self, *args: Any, addr: str, no_sandbox: bool, **options: Any) -> None:
        # Explicit handlers: a shell that starts us in the background leaves SIGINT ignored, and a process
        # manager stops us with SIGTERM; either way both servers must go down with us.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _stop)
        processes: list[subprocess.Popen[bytes]] = []
        try:
            if not no_sandbox:
                processes.append(self._start_sandbox())
            processes.append(self._start_dashboard(addr))
            processes.append(self._start_worker())
            self._banner(addr)
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            raise CommandError("A server stopped unexpectedly; see its output above.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping Billing Desk and the sandbox...")
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _start_sandbox(self) -> subprocess.Popen[bytes]:
        upstream = urlsplit(settings.NEXUDUS_API_URL)
        if upstream.hostname not in {"127.0.0.1", "localhost"}:
            raise CommandError(
                f"NEXUDUS_API_URL points at {settings.NEXUDUS_API_URL}; run with --no-sandbox to use it."
            )
        port = str(upstream.port or 80)
        process = subprocess.Popen(
            # The sandbox reads `dir` the way the dashboard is set to send it (NEXUDUS_SORT_DIR_ASCENDING).
            [sys.executable, "-m", "sandbox", "--port", port, f"--dir-ascending={settings.NEXUDUS_SORT_DIR_ASCENDING}"],
            cwd=settings.BASE_DIR,
            start_new_session=True,  # Ctrl-C is handled here, then passed on in order
        )
        self._wait_for(f"{settings.NEXUDUS_API_URL}/_sandbox/health", process, "sandbox")
        return process

    def _start_dashboard(self, addr: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "dashboard.settings.base"),
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", addr, "--noreload"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
        self._wait_for(f"http://{addr}/healthz", process, "dashboard")
        return process

    def _start_worker(self) -> subprocess.Popen[bytes]:
        """The background worker (bank statement imports), stopped with the rest on Ctrl-C."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "dashboard.settings.base"),
        }
        return subprocess.Popen(
            [sys.executable, "manage.py", "statements_worker"], cwd=settings.BASE_DIR, env=env, start_new_session=True
        )

    def _wait_for(self, url: str, process: subprocess.Popen[bytes], name: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError(f"The {name} exited during start-up; see its output above.")
            try:
                requests.get(url, timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise CommandError(f"The {name} did not start within {seconds:.0f} s.")

    def _banner(self, addr: str) -> None:
        lines = [
            "",
            f"Billing Desk is running at http://{addr}/  (Nexudus sandbox at {settings.NEXUDUS_API_URL})",
            "Sign in with a demo account; every password is: sandbox",
            *(f"  {email:<22} {role}" for email, role in DEMO_USERS),
            "Press Ctrl-C to stop both.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
