"""`make run` starts the background worker with no extra step, and Ctrl-C (SIGINT) stops it too."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.conftest import free_port
from tests.run_local_process import start_run_local


def _workers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and "statements_worker" in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_run_local_starts_the_worker_and_ctrl_c_stops_it(tmp_path: Path):
    web, upstream = free_port(), free_port()
    process, banner = start_run_local(tmp_path, web=web, upstream=upstream)
    try:
        workers = _workers_of(process.pid)
        assert len(workers) == 1
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert not _alive(workers[0])
    finally:
        if process.poll() is None:
            process.kill()
