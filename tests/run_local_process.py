"""`manage.py run_local` as a real process, up to its sign-in banner (shared by the make-run tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_run_local(var_dir: Path, *, web: int, upstream: int) -> tuple[subprocess.Popen[str], str]:
    """Migrate a database in `var_dir`, start run_local on `web` (sandbox on `upstream`), and return the
    process with what it printed up to "Press Ctrl-C" (or until it exited or 90 s passed)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings.base",
        "NEXUDUS_API_URL": f"http://127.0.0.1:{upstream}",
        "BILLING_DESK_VAR_DIR": str(var_dir),
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
    banner = ""
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    while "Press Ctrl-C" not in banner and time.monotonic() < deadline and process.poll() is None:
        banner += process.stdout.readline()
    return process, banner
