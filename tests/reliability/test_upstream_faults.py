"""Upstream faults on each kind of page: search, detail, create, sign-in and token refresh.

Every fault the sandbox can inject (plus a refused connection) must end in a clear state in words, never a
5xx from the dashboard (the test client re-raises view exceptions). A write that failed is never reported
as done; a write whose outcome is unknown says so and where to check; a write is sent exactly once.
"""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime
from html import unescape

import pytest
from django.test import Client

from dashboard.accounts.models import NexudusAccount
from dashboard.nexudus.records import TokenSet
from tests.conftest import sign_in

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER_API = "/api/billing/coworkerledgerentries"
INVOICES_API = "/api/billing/coworkerinvoices"
INVOICE = 300001
KEY = re.compile(r'name="submission_key" value="([^"]+)"')

UNAVAILABLE = "Nexudus isn't answering"
THROTTLED = "Nexudus asked us to slow down"
SERVER = "Nexudus had a problem"
UNREADABLE = "Nexudus sent an answer we couldn't read"
REJECTED = "Nexudus didn't accept this"
UNKNOWN = "We don't know whether this was saved"

# name: (sandbox fault options, or None for "connection refused"; what a read page says)
FAULTS = {
    "timeout": ({"kind": "timeout", "delay_ms": 1500}, UNAVAILABLE),
    "connection-refused": (None, UNAVAILABLE),
    "dropped-connection": ({"kind": "drop"}, UNAVAILABLE),
    "500": ({"kind": "status", "status": 500}, SERVER),
    "502": ({"kind": "status", "status": 502}, SERVER),
    "503": ({"kind": "status", "status": 503}, SERVER),
    "429": ({"kind": "status", "status": 429}, THROTTLED),
    "429-retry-after": ({"kind": "status", "status": 429, "retry_after": 7}, THROTTLED),
    "409": ({"kind": "status", "status": 409}, THROTTLED),
    "409-retry-after": ({"kind": "status", "status": 409, "retry_after": 7}, THROTTLED),
    "malformed-json": ({"kind": "malformed"}, UNREADABLE),
    "html-error-page": ({"kind": "html"}, SERVER),
    "unsuccessful-200": ({"kind": "unsuccessful"}, REJECTED),
}
# A write whose request left us but whose answer never came (or could not be read): outcome unknown.
UNKNOWN_WRITE = {"timeout", "dropped-connection", "malformed-json"}
# What the person is told after a failed create (nothing was written).
WRITE_WORDS = {
    "connection-refused": UNAVAILABLE,
    "500": SERVER,
    "502": SERVER,
    "503": SERVER,
    "html-error-page": SERVER,
    "429": THROTTLED,
    "429-retry-after": THROTTLED,
    "409": THROTTLED,
    "409-retry-after": THROTTLED,
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed when the socket is: nothing listens there


@pytest.fixture
def inject(upstream, settings):
    """inject(name, path=..., method=..., count=...): arm fault `name` for the matching upstream requests."""
    settings.NEXUDUS_READ_TIMEOUT = 0.5  # the injected timeout sleeps 1.5 s

    def _inject(name: str, *, path: str, method: str | None = None, count: int = 10) -> None:
        options, _ = FAULTS[name]
        if options is None:
            settings.NEXUDUS_API_URL = f"http://127.0.0.1:{closed_port()}"
            return
        upstream.fault(count=count, path=path, **({"method": method} if method else {}), **options)

    yield _inject
    upstream.clear_faults()


def _text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return unescape(response.content.decode())


def _posts(upstream, api: str) -> int:
    return upstream.counters()["by_endpoint"].get(f"POST {api}", 0)


def _total(upstream, api: str, **filters) -> int:
    response = upstream.api("GET", api, params={"size": 1, **filters})
    response.raise_for_status()
    return response.json()["TotalItems"]


def _a_token_id(upstream) -> int:
    return upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]["Id"]


def _assert_retry_wording(name: str, html: str) -> None:
    if name.endswith("retry-after"):
        assert "Wait 7 seconds" in html


# --- reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", list(FAULTS))
def test_search_shows_a_clear_state_for_each_fault(ops_client, upstream, inject, name, htmx):
    inject(name, path=TOKENS_API)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = ops_client.get("/payment-tokens/", {"coworker_invoice_id": INVOICE}, **headers)
    html = _text(response)
    assert response.status_code == 200
    assert FAULTS[name][1] in html
    assert 'id="results"' in html and "Retry" in html or name == "unsuccessful-200"
    _assert_retry_wording(name, html)


@pytest.mark.parametrize("name", list(FAULTS))
def test_detail_shows_a_clear_state_for_each_fault(ops_client, upstream, inject, name):
    token_id = _a_token_id(upstream)
    inject(name, path=f"{TOKENS_API}/")
    response = ops_client.get(f"/payment-tokens/{token_id}/")
    assert response.status_code == 200
    assert FAULTS[name][1] in _text(response)
    _assert_retry_wording(name, _text(response))


READ_PAGES = {
    "ledger-search": ("/ledger-entries/", LEDGER_API),
    "ledger-detail": ("/ledger-entries/{entry}/", LEDGER_API),
    "customer-ledger": ("/customers/{coworker}/ledger/", "/api/"),
    "invoice": ("/invoices/{invoice}/", "/api/"),
    "invoice-tokens": ("/invoices/{invoice}/tokens/", TOKENS_API),
    "quick-find": ("/find/?q=300001", "/api/"),
    "picker": ("/ledger-entries/pick/customers/?q=a", "/api/"),
    "reveal": ("/payment-tokens/{token}/token/", TOKENS_API),
}


@pytest.mark.parametrize("name", ["500", "dropped-connection", "malformed-json", "429-retry-after"])
@pytest.mark.parametrize("page", list(READ_PAGES))
def test_every_other_read_page_survives_upstream_faults(transactional_db, ops_client, upstream, inject, page, name):
    entry = upstream.api("GET", LEDGER_API, params={"size": 1}).json()["Records"][0]
    ids = {"entry": entry["Id"], "coworker": entry["CoworkerId"], "invoice": INVOICE, "token": _a_token_id(upstream)}
    path, api = READ_PAGES[page]
    inject(name, path=api, count=30)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = ops_client.get(path.format(**ids), **headers)
        assert response.status_code < 500
        assert FAULTS[name][1] in _text(response) or response.status_code == 302


# --- creates ---------------------------------------------------------------------------------------


def _post_token(client, key: str | None = None, **extra):
    key = key or KEY.search(_text(client.get("/payment-tokens/new/"))).group(1)
    data = {"coworker_invoice_id": INVOICE, "token": "pm_fault_1", "notes": "fault test", "submission_key": key}
    return client.post("/payment-tokens/new/", data, **extra), key


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", list(FAULTS))
def test_a_failed_create_is_never_reported_as_done_and_is_sent_exactly_once(ops_client, upstream, inject, name, htmx):
    before = _total(upstream, TOKENS_API, CoworkerInvoicePaymentToken_CoworkerInvoice=INVOICE)
    inject(name, path=TOKENS_API, method="POST", count=1)
    response, key = _post_token(ops_client, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    html = _text(response)
    assert response.status_code == 200, "a failed write must not redirect to a record"
    assert "Saved:" not in html and "was created" not in html
    assert 'value="fault test"' in html or "fault test</textarea>" in html  # the input is kept
    if name != "connection-refused":
        assert _posts(upstream, TOKENS_API) == 1, "a write is never retried automatically"
    if name in UNKNOWN_WRITE:
        assert UNKNOWN in html and "It was not sent again automatically" in html
        assert f"/payment-tokens/?coworker_invoice_id={INVOICE}" in html  # where to check
        # Sending the same form again must not write again: the person has to check first.
        again, _ = _post_token(ops_client, key=key)
        assert UNKNOWN in _text(again)
        assert _posts(upstream, TOKENS_API) == 1
    elif name == "unsuccessful-200":
        assert 'role="alert"' in html
    else:
        assert WRITE_WORDS[name] in html and "Nothing was saved." in html
        _assert_retry_wording(name, html)
    if name == "timeout":  # the sandbox saves after its delay: exactly once
        deadline = time.monotonic() + 5
        while _total(upstream, TOKENS_API, CoworkerInvoicePaymentToken_CoworkerInvoice=INVOICE) == before:
            assert time.monotonic() < deadline, "the delayed write never landed"
            time.sleep(0.1)
        time.sleep(0.3)
        assert _total(upstream, TOKENS_API, CoworkerInvoicePaymentToken_CoworkerInvoice=INVOICE) == before + 1
    else:
        assert _total(upstream, TOKENS_API, CoworkerInvoicePaymentToken_CoworkerInvoice=INVOICE) == before


@pytest.fixture
def gbp_invoice(upstream):
    records = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_Paid": "false", "size": 100}).json()
    return next(r for r in records["Records"] if r.get("CurrencyCode") == "GBP" and not r.get("Void"))


@pytest.mark.parametrize("name", ["timeout", "dropped-connection", "503", "429-retry-after", "unsuccessful-200"])
def test_a_failed_ledger_confirm_is_never_reported_as_done_and_is_sent_exactly_once(
    ops_client, upstream, inject, gbp_invoice, name
):
    key = KEY.search(_text(ops_client.get("/ledger-entries/new/"))).group(1)
    data = {
        "business_id": gbp_invoice["BusinessId"],
        "coworker_id": gbp_invoice["CoworkerId"],
        "coworker_invoice_id": gbp_invoice["Id"],
        "description": "Fault test",
        "code": "PAYM",
        "debit": "0",
        "credit": "1.00",
        "submission_key": key,
    }
    review = ops_client.post("/ledger-entries/new/", {**data, "action": "review"})
    assert review.status_code == 200
    inject(name, path=LEDGER_API, method="POST", count=1)
    response = ops_client.post("/ledger-entries/new/", {**data, "action": "confirm"})
    html = _text(response)
    assert response.status_code == 200
    assert 'class="created-id"' not in html
    assert _posts(upstream, LEDGER_API) == 1
    if name in UNKNOWN_WRITE:
        assert UNKNOWN in html
        again = ops_client.post("/ledger-entries/new/", {**data, "action": "confirm"})
        assert 'class="created-id"' not in _text(again) and _posts(upstream, LEDGER_API) == 1
    elif name != "unsuccessful-200":
        assert WRITE_WORDS[name] in html and "Nothing was saved." in html


# --- sign-in and token refresh ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FAULTS))
def test_signin_explains_each_fault_and_does_not_sign_in(db, upstream, inject, signin_throttle_cleared, name):
    inject(name, path="/api/token")
    client = Client()
    response = sign_in(client)
    assert response.status_code < 500
    assert "_auth_user_id" not in client.session
    html = _text(response)
    assert 'role="alert"' in html
    assert any(words in html for words in ("could not be reached", "too many requests", "did not accept"))


def _expire_stored_token(email: str) -> None:
    account = NexudusAccount.objects.get(user__username=email)
    tokens = account.token_set()
    account.store_tokens(TokenSet(**{**tokens.__dict__, "expires_at": datetime.now(UTC)}))
    account.save()


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_failed_token_refresh_shows_a_clear_state_or_asks_to_sign_in_again(ops_client, upstream, inject, name):
    _expire_stored_token("ops@sandbox.test")
    inject(name, path="/api/token")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = ops_client.get("/payment-tokens/", **headers)
        assert response.status_code < 500
        if response.status_code == 200:
            assert any(words in _text(response) for words in (UNAVAILABLE, THROTTLED, SERVER, UNREADABLE))
        elif headers:
            assert response.status_code == 401 and response["HX-Redirect"].startswith("/signin/")
        else:
            assert response.status_code == 302 and response["Location"].startswith("/signin/")
            break  # signed out: the htmx variant has no session left to test


@pytest.mark.parametrize("name", ["timeout", "dropped-connection", "malformed-json", "503"])
def test_a_create_whose_token_refresh_fails_says_nothing_was_saved(ops_client, upstream, inject, name):
    """The refresh before a create is not the create: its failure must not read as "outcome unknown"."""
    _expire_stored_token("ops@sandbox.test")
    inject(name, path="/api/token")
    response, _ = _post_token(ops_client)
    html = _text(response)
    assert response.status_code == 200
    assert UNKNOWN not in html and "Nothing was saved." in html
    assert _posts(upstream, TOKENS_API) == 0
