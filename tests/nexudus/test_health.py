"""upstream_reachable (dashboard/nexudus/health.py): any HTTP answer counts, no answer does not."""

from __future__ import annotations

import requests

from dashboard.nexudus.health import upstream_reachable

from .conftest import API, free_port


def test_any_http_answer_means_reachable(nexudus):
    nexudus.head(f"{API}/api/token", status=405)

    assert upstream_reachable() is True


def test_no_answer_means_unreachable(nexudus):
    nexudus.head(f"{API}/api/token", body=requests.ConnectTimeout())

    assert upstream_reachable() is False


def test_refused_connection_is_unreachable_quickly(settings, waits):
    settings.NEXUDUS_API_URL = f"http://127.0.0.1:{free_port()}"

    assert upstream_reachable(timeout=0.5) is False
    assert waits == []  # HEAD is never retried
