"""Production settings refuse to start without real secrets, and pass `check --deploy` with them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixture for the test process only; production never has it.
    ignored = {"SECRET_KEY", "FERNET_KEYS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update({"DJANGO_SETTINGS_MODULE": "dashboard.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({"FERNET_KEYS": Fernet.generate_key().decode()}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_fernet_keys():
    result = _run({"SECRET_KEY": "x7" * 30 + "abcdefghij"}, "check")
    assert result.returncode != 0
    assert "FERNET_KEYS" in result.stderr


def test_production_check_deploy_is_clean_with_real_secrets():
    secret = "k9$Qw!zP2@vL7#xN4%mR8^tB1&yH6*cJ3(eF5)gD0_uA-sW=" + "Zq"
    result = _run(
        {"SECRET_KEY": secret, "FERNET_KEYS": Fernet.generate_key().decode()},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
