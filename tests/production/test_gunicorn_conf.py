"""gunicorn.conf.py: threaded workers sized from the environment, every name a real gunicorn setting."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import ModuleType

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
_NEWER_GUNICORN_ONLY = {"control_socket", "control_socket_disable"}
_ENV = (
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_BIND",
    "PORT",
    "LOG_FORMAT",
    "GUNICORN_PRELOAD",
    "GUNICORN_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_CONTROL_SOCKET",
)


def _load(monkeypatch, **env: str) -> dict:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def _settings_of(namespace: dict) -> dict:
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and not callable(value)
        and not isinstance(value, ModuleType)
        and name != "annotations"
    }


def test_defaults_are_two_threaded_workers_of_eight_threads_on_port_8000(monkeypatch):
    conf = _load(monkeypatch)
    assert conf["worker_class"] == "gthread"
    assert (conf["workers"], conf["threads"]) == (2, 8)
    assert conf["bind"] == ["0.0.0.0:8000"]
    assert conf["wsgi_app"] == "dashboard.wsgi:application"
    assert conf["preload_app"] is False
    assert conf["accesslog"] is None, "the JSON request log replaces gunicorn's access log"


def test_workers_threads_and_port_come_from_the_environment(monkeypatch):
    conf = _load(monkeypatch, GUNICORN_WORKERS="5", GUNICORN_THREADS="3", PORT="9100", GUNICORN_PRELOAD="true")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (5, 3, ["0.0.0.0:9100"])
    assert conf["preload_app"] is True


def test_gunicorn_bind_wins_over_port(monkeypatch):
    conf = _load(monkeypatch, PORT="9100", GUNICORN_BIND="127.0.0.1:8123")
    assert conf["bind"] == ["127.0.0.1:8123"]


def test_timeouts_suit_a_proxy_over_a_slow_upstream(monkeypatch, settings):
    conf = _load(monkeypatch)
    # A rolling restart lets a slow upstream call (read timeout + retry budget) finish.
    assert conf["graceful_timeout"] > settings.NEXUDUS_READ_TIMEOUT + settings.NEXUDUS_RETRY_BUDGET
    # Idle keep-alive outlives a typical load balancer's 60 s idle timeout.
    assert conf["keepalive"] > 60


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_every_name_is_a_gunicorn_setting_it_accepts(monkeypatch, log_format):
    """A typo (`worker_clas`) would otherwise be ignored by gunicorn without a word."""
    cfg = Config()
    for name, value in _settings_of(_load(monkeypatch, LOG_FORMAT=log_format)).items():
        if name in _NEWER_GUNICORN_ONLY and name not in cfg.settings:
            continue  # gunicorn ignores names it does not know; these only exist in recent releases
        assert name in cfg.settings, f"{name} is not a gunicorn setting"
        cfg.set(name, value)
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == 8


def test_json_logs_silence_gunicorns_access_log_which_would_print_query_strings(monkeypatch):
    conf = _load(monkeypatch, LOG_FORMAT="json")
    assert conf["logconfig_dict"]["formatters"]["generic"]["()"] == "dashboard.runtime.logging.JsonFormatter"
    assert conf["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == []
    assert "logconfig_dict" not in _load(monkeypatch, LOG_FORMAT="plain")
