"""Helpers for the sandbox's own contract tests: a fresh sandbox per test and signed-in API clients.

They use the shared session `sandbox` fixture from tests/conftest.py (the real server process).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.conftest import pin_profile

PASSWORD = "sandbox"
TOKENS = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER = "/api/billing/coworkerledgerentries"
INVOICES = "/api/billing/coworkerinvoices"
COWORKERS = "/api/spaces/coworkers"
BUSINESSES = "/api/sys/businesses"


class Api:
    """A requests session against the sandbox, authenticated as one user."""

    def __init__(self, url: str, token: str | None = None, basic: tuple[str, str] | None = None) -> None:
        self.url = url
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"
        if basic:
            encoded = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            self.http.headers["Authorization"] = f"Basic {encoded}"
        self.token = token

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(self.url + path, params=params or None, timeout=30)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.http.post(self.url + path, json=body, timeout=30)

    def put(self, path: str, body: Any) -> requests.Response:
        return self.http.put(self.url + path, json=body, timeout=30)

    def delete(self, path: str) -> requests.Response:
        return self.http.delete(self.url + path, timeout=30)

    def search(self, path: str, **params: Any) -> dict:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()


def sign_in(
    url: str, email: str, password: str = PASSWORD, client_id: str | None = None, **extra: str
) -> requests.Response:
    headers = {"client_id": client_id} if client_id else {}
    return requests.post(
        f"{url}/api/token",
        data={"grant_type": "password", "username": email, "password": password, **extra},
        headers=headers,
        timeout=10,
    )


@pytest.fixture
def sb(sandbox, request):
    """The session sandbox reset to its seed (data, config, faults, counters), and to the test's
    pinned profile (`@pytest.mark.sandbox_profile(...)`) if it has one."""
    sandbox.reset()
    pin_profile(request, sandbox)
    return sandbox


@pytest.fixture
def login(sb) -> Callable[[str], Api]:
    def _login(email: str = "admin@sandbox.test") -> Api:
        response = sign_in(sb.url, email)
        assert response.status_code == 200, response.text
        return Api(sb.url, response.json()["access_token"])

    return _login


@pytest.fixture
def api(login) -> Api:
    """Signed in as admin@sandbox.test."""
    return login()
