"""The sandbox is a development server: not an installed app in production, and not in the built wheel."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

from cryptography.fernet import Fernet
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps(settings.INSTALLED_APPS))
"""


def _installed_apps(module: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FERNET_KEYS", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE=module, SECRET_KEY=secrets.token_urlsafe(50), FERNET_KEYS=Fernet.generate_key().decode()
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_install_no_sandbox_app_while_development_does():
    assert "sandbox" in _installed_apps("dashboard.settings.base")
    production = _installed_apps("dashboard.settings.production")
    assert "sandbox" not in production and "dashboard.core" in production


def test_the_wheel_packages_the_dashboard_and_not_the_sandbox():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packages = find_packages(where=str(ROOT), include=config["include"])
    assert "dashboard" in packages and "dashboard.runtime" in packages
    assert not [name for name in packages if name == "sandbox" or name.startswith("sandbox.")]
