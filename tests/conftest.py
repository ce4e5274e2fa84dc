"""Shared fixtures: the Nexudus sandbox as a real HTTP server, and a real browser (Debian's Chromium).

- `sandbox` (session): starts the sandbox (`python -m sandbox`) on a free port with an in-memory database,
  throttling off and the profile `SANDBOX_PROFILE` names (default `observed`; `make test` runs a second
  stage with `documented`), and gives a `SandboxControl` for its `/_sandbox/` controls. A test of behaviour
  only one reading has pins it: `@pytest.mark.sandbox_profile("documented", **knobs)`.
- `upstream` (function): points the dashboard's settings at that sandbox and resets it to the seed,
  with faults, counters and config cleared, so every test starts from the same upstream.
- `browser` / `page`: Playwright driving /usr/bin/chromium headless; never a downloaded browser.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SANDBOX_PASSWORD = "sandbox"
# The documented TOTP secret of mfa@sandbox.test (see the sandbox section of the README).
MFA_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxControl:
    """Thin wrapper over the sandbox's `/_sandbox/` control endpoints."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def _post(self, path: str, payload: dict | None = None) -> dict:
        response = self.http.post(f"{self.url}/_sandbox/{path}", json=payload or {}, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self) -> None:
        """Back to the seed data, default config, no faults, zero counters."""
        self._post("reset")

    def configure(self, **settings) -> dict:
        """e.g. configure(throttle=True, latency_ms=50, token_lifetime_s=2, role_error_status=403)."""
        return self._post("config", settings)

    def config(self) -> dict:
        response = self.http.get(f"{self.url}/_sandbox/config", timeout=10)
        response.raise_for_status()
        return response.json()

    def fault(self, kind: str, count: int = 1, **options) -> None:
        """Inject `kind` ("status", "timeout", "malformed", "html", "drop", "unsuccessful") into the next
        `count` matching API requests; options: status, retry_after, delay_ms, path (prefix), method."""
        self._post("faults", {"kind": kind, "count": count, **options})

    def clear_faults(self) -> None:
        self.http.delete(f"{self.url}/_sandbox/faults", timeout=10).raise_for_status()

    def counters(self) -> dict:
        response = self.http.get(f"{self.url}/_sandbox/counters", timeout=10)
        response.raise_for_status()
        return response.json()

    def reset_counters(self) -> None:
        self._post("counters/reset")

    def api_token(self, email: str = "admin@sandbox.test", password: str = SANDBOX_PASSWORD) -> str:
        """An access token straight from the sandbox, for tests that arrange data through the API."""
        response = self.http.post(
            f"{self.url}/api/token",
            data={"grant_type": "password", "username": email, "password": password},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def api(self, method: str, path: str, email: str = "admin@sandbox.test", **kwargs) -> requests.Response:
        """Call the sandbox API as `email` (admin by default), e.g. api("GET", "/api/billing/coworkerinvoices").

        A `dir` in `params` is written as the seed docs read it (1 ascending, -1 descending) and sent in the
        reading the sandbox uses now (`dir_ascending`), so a test's own oracle reads the same under every
        profile. Tests of the `dir` reading itself call the API directly."""
        params = kwargs.get("params")
        if isinstance(params, dict) and "dir" in params:
            kwargs["params"] = {**params, "dir": self.sort_dir(descending=str(params["dir"]).strip() == "-1")}
        headers = {"Authorization": f"Bearer {self.api_token(email)}"}
        return self.http.request(method, f"{self.url}{path}", headers=headers, timeout=30, **kwargs)

    def create_answers_carry_the_record(self) -> bool:
        """Whether a create answer carries the whole record (the observed profile), so the dashboard needs
        no get-one after a create."""
        return self.config()["profile"] == "observed"

    def sort_dir(self, *, descending: bool) -> str:
        """The `dir` value meaning ascending / descending for the sandbox as it is configured now."""
        ascending = self.config()["dir_ascending"]
        if not descending:
            return str(ascending)
        return "-1" if ascending == 1 else "1"


@contextlib.contextmanager
def running_sandbox(*options: str) -> Iterator[SandboxControl]:
    """A sandbox process (`python -m sandbox`, in memory, seed 1) with extra start `options`, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "sandbox", "--port", str(port), "--memory", "--seed", "1", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"The sandbox exited early: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"{url}/_sandbox/health", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The sandbox did not start within 60 s.")
        time.sleep(0.1)
    try:
        yield SandboxControl(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# The profile the session sandbox starts with: `observed` (the default; public captures of the live API)
# or `documented` (the docs). `make test` runs a second stage with SANDBOX_PROFILE=documented.
SANDBOX_PROFILE = os.environ.get("SANDBOX_PROFILE", "observed")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxControl]:
    with running_sandbox("--no-throttle", "--profile", SANDBOX_PROFILE) as control:
        yield control


def pin_profile(request: pytest.FixtureRequest, control: SandboxControl) -> dict:
    """Apply a test's `@pytest.mark.sandbox_profile("documented", **knobs)` to the freshly reset sandbox
    (for tests of behaviour only one reading has); returns the config in force."""
    marker = request.node.get_closest_marker("sandbox_profile")
    if marker is None:
        return control.config()
    changes = dict(marker.kwargs)
    if marker.args:
        changes["profile"] = marker.args[0]
    return control.configure(**changes)


@pytest.fixture(autouse=True)
def unspent_upstream_budget(settings) -> None:
    """Every test starts with every person's request budget towards Nexudus unspent. The budget is keyed by
    user id, and ids repeat from test to test: without this, a serial run spends one person's 60 writes a
    minute across many tests and later creates are (correctly) held back."""
    from dashboard.runtime.upstream_budget import reset_local_budgets

    reset_local_budgets()
    if settings.REDIS_URL:  # the Redis budget lives under the cache's key prefix: a fresh one per test
        cache = dict(settings.CACHES["default"])
        cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX', '')}-{uuid.uuid4().hex[:8]}"
        settings.CACHES = {**settings.CACHES, "default": cache}


@pytest.fixture
def upstream(sandbox: SandboxControl, settings, request) -> SandboxControl:
    """The sandbox, reset to its seed (and to the test's pinned profile, if any), as the dashboard's
    Nexudus for this test. The dashboard's sort-direction setting is the one `nexudus_doctor` would
    advise for it, as an operator would configure it."""
    sandbox.reset()
    config = pin_profile(request, sandbox)
    settings.NEXUDUS_API_URL = sandbox.url
    settings.NEXUDUS_SORT_DIR_ASCENDING = config["dir_ascending"]
    return sandbox


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
    # are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# --- signed-in users (accounts) ---
# Everything below signs in through the real /signin/ flow against the sandbox (never force_login),
# so fixtures exercise the same path a person does. Owned by dashboard.accounts.

import re  # noqa: E402

PENDING_FIELD = re.compile(r'name="pending" value="([^"]+)"')


def current_totp(secret: str = MFA_TOTP_SECRET, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits). Computed here because pyotp >= 2.10 refuses secrets shorter
    than 112 bits, and the documented demo secret is 80."""
    import base64
    import hashlib
    import hmac
    import struct

    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(
    client,
    email: str = "ops@sandbox.test",
    password: str = SANDBOX_PASSWORD,
    totp: str | None = None,
    next_url: str | None = None,
):
    """Sign a Django test `client` in through /signin/; answers the 2FA step when Nexudus asks (with
    `totp`, or the current code of mfa@sandbox.test's documented secret). Returns the final response
    (a 302 on success); asserts nothing, so tests can also drive failures through it."""
    from django.urls import reverse

    url = reverse("accounts:signin")
    data = {"email": email, "password": password, **({"next": next_url} if next_url else {})}
    response = client.post(url, data)
    match = PENDING_FIELD.search(response.content.decode()) if response.status_code == 200 else None
    if match:
        code = {"step": "code", "code": totp or current_totp(), "pending": match.group(1)}
        response = client.post(url, {**code, **({"next": next_url} if next_url else {})})
    return response


@pytest.fixture
def signin_throttle_cleared(settings):
    """Fresh sign-in attempt budgets for this test: its own cache key prefix, so nothing is flushed that
    another test (or xdist worker sharing one Redis) relies on."""
    import uuid

    settings.SIGNIN_THROTTLE_KEY_PREFIX = f"signin-throttle-test-{uuid.uuid4().hex}"


def _signed_in_client(email: str, upstream, signin_throttle_cleared):
    from django.test import Client

    client = Client()
    response = sign_in(client, email=email)
    assert response.status_code == 302, f"sign-in as {email} failed with {response.status_code}"
    return client


@pytest.fixture
def ops_client(db, upstream, signin_throttle_cleared):
    """A Django test client signed in as ops@sandbox.test (operations staff)."""
    return _signed_in_client("ops@sandbox.test", upstream, signin_throttle_cleared)


@pytest.fixture
def agent_client(db, upstream, signin_throttle_cleared):
    """A Django test client signed in as agent@sandbox.test (support agent)."""
    return _signed_in_client("agent@sandbox.test", upstream, signin_throttle_cleared)


@pytest.fixture
def admin_client_nexudus(db, upstream, signin_throttle_cleared):
    """A Django test client signed in as admin@sandbox.test (every Nexudus role)."""
    return _signed_in_client("admin@sandbox.test", upstream, signin_throttle_cleared)


@pytest.fixture
def browser_sign_in(signin_throttle_cleared):
    """`browser_sign_in(page, live_server_url, email, password, totp=None)`: sign in through the UI."""

    def _sign_in(
        page,
        live_server_url: str,
        email: str = "ops@sandbox.test",
        password: str = SANDBOX_PASSWORD,
        totp: str | None = None,
    ) -> None:
        page.goto(f"{live_server_url}/signin/")
        page.get_by_label("Nexudus email").fill(email)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        code_field = page.get_by_label("6-digit code")
        if code_field.count():
            code_field.fill(totp or current_totp())
            with page.expect_navigation():
                page.get_by_role("button", name="Verify and sign in").click()

    return _sign_in


@pytest.fixture
def signed_in_page(page, live_server, upstream, transactional_db, browser_sign_in):
    """A Playwright page signed in as ops@sandbox.test on the live server."""
    browser_sign_in(page, live_server.url)
    assert "/signin/" not in page.url, "browser sign-in as ops@sandbox.test failed"
    return page
