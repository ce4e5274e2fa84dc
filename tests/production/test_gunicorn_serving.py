"""The production configuration end to end: collectstatic, gunicorn (gthread), whitenoise's compressed
hashed files, the request id header and JSON log lines on stdout."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import requests

from bench.procstat import children

from .servers import manage, production_env, start_gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = production_env(tmp_path, NEXUDUS_API_URL="http://127.0.0.1:9")
    manage(env, "collectstatic", "--noinput")
    server = start_gunicorn(env, tmp_path / "gunicorn.log")
    yield server
    server.stop()


def test_healthz_answers_under_gunicorn_with_the_request_id_echoed(instance):
    response = requests.get(f"{instance.url}/healthz", headers={"X-Request-Id": "smoke-1"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == "smoke-1"
    assert set(response.json()["checks"]) == {"database", "cache", "upstream"}


def test_static_files_are_hashed_compressed_and_cached_forever(instance):
    page = requests.get(f"{instance.url}/signin/", timeout=10)
    assert page.status_code == 200
    hashed = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
    assert hashed, "templates must point at the hashed names collectstatic wrote"
    css = requests.get(instance.url + hashed.group(1), headers={"Accept-Encoding": "gzip, br"}, timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] in {"gzip", "br"}
    assert "immutable" in css.headers["Cache-Control"]


def test_stdout_carries_one_json_line_per_request_and_no_access_log(instance):
    requests.get(f"{instance.url}/signin/?q=private-search-text", headers={"X-Request-Id": "smoke-2"}, timeout=10)
    lines = [json.loads(line) for line in instance.log_text().splitlines() if line.startswith("{")]
    [request_line] = [line for line in lines if line.get("request_id") == "smoke-2"]
    assert request_line["logger"] == "dashboard.request"
    assert request_line["path"] == "/signin/" and request_line["query"] == ["q"]
    assert "private-search-text" not in instance.log_text()
    assert not any(line["logger"] == "gunicorn.access" for line in lines)
    assert any(line["logger"] == "gunicorn.error" and "gthread" in line["message"] for line in lines)


def _open_files(pid: int, suffix: str) -> int:
    """How many of the process's file descriptors are open on a file whose path ends with `suffix`."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).endswith(suffix)
        except OSError:  # closed meanwhile
            continue
    return count


def test_sqlite_connections_are_kept_between_requests_one_per_request_thread(tmp_path):
    """Each request thread keeps its database connection (DATABASE_CONN_MAX_AGE) instead of opening one per
    request; with DATABASE_CONN_MAX_AGE=0 none stays open once the answers are sent."""
    database = tmp_path / "kept.sqlite3"
    for max_age, expect_open in (("60", True), ("0", False)):
        env = production_env(tmp_path, NEXUDUS_API_URL="http://127.0.0.1:9", DATABASE_URL=f"sqlite:///{database}")
        env["DATABASE_CONN_MAX_AGE"] = max_age
        manage(env, "migrate", "--noinput")
        server = start_gunicorn(env, tmp_path / f"gunicorn-{max_age}.log", workers=1, threads=2)
        try:
            with requests.Session() as session:
                for _ in range(6):
                    assert session.get(f"{server.url}/healthz", timeout=10).status_code == 200
            (worker,) = children(server.process.pid)
            kept = _open_files(worker, "/kept.sqlite3")
            if expect_open:
                assert 1 <= kept <= 2, kept  # at most one per request thread, however many requests
            else:
                assert kept == 0, kept
        finally:
            server.stop()
