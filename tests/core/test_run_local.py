"""`make run`'s command starts the sandbox and the dashboard together, and stops both when it is stopped."""

from __future__ import annotations

import signal
from pathlib import Path

import requests

from tests.conftest import free_port
from tests.run_local_process import start_run_local


def _port_open(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=0.5)
    except requests.ConnectionError:
        return False
    return True


def test_run_local_serves_both_and_stops_both_on_sigterm(tmp_path: Path):
    web, upstream = free_port(), free_port()
    process, banner = start_run_local(tmp_path, web=web, upstream=upstream)
    try:
        assert "ops@sandbox.test" in banner and f"http://127.0.0.1:{web}/" in banner
        health = requests.get(f"http://127.0.0.1:{web}/healthz", timeout=10).json()
        assert health["checks"]["upstream"] is True

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert not _port_open(web) and not _port_open(upstream)
    finally:
        if process.poll() is None:
            process.kill()
