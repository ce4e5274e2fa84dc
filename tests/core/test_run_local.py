"""`make run`'s command starts the sandbox and the dashboard together, and stops both when it is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import ROOT, free_port


def _port_open(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=0.5)
    except requests.ConnectionError:
        return False
    return True


def test_run_local_serves_both_and_stops_both_on_sigterm(tmp_path: Path):
    web, upstream = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings.base",
        "NEXUDUS_API_URL": f"http://127.0.0.1:{upstream}",
        "BILLING_DESK_VAR_DIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_local", "--addr", f"127.0.0.1:{web}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = ""
        deadline = time.monotonic() + 90
        while "Press Ctrl-C" not in banner and time.monotonic() < deadline and process.poll() is None:
            banner += process.stdout.readline()
        assert "ops@sandbox.test" in banner and f"http://127.0.0.1:{web}/" in banner
        health = requests.get(f"http://127.0.0.1:{web}/healthz", timeout=10).json()
        assert health["checks"]["upstream"] is True

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert not _port_open(web) and not _port_open(upstream)
    finally:
        if process.poll() is None:
            process.kill()
