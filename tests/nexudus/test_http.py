"""The transport (dashboard/nexudus/http.py): retries only for GETs within a budget, no retries for
writes, timeouts and dropped connections, the shared pool, and log lines without secrets."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.response import HTTPResponse

from dashboard.nexudus import http
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import (
    NexudusRateLimited,
    NexudusServerError,
    NexudusUnavailable,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.queries import LedgerEntryDraft, PaymentTokenDraft, PaymentTokenQuery

from .conftest import ACCESS_TOKEN, API, free_port

TOKENS = f"{API}/api/billing/coworkerinvoicepaymenttokens"
RECORD = {"Id": 7, "CoworkerInvoiceId": 1}
CREATED = {"Message": "created", "Value": {"Id": 9}, "WasSuccessful": True}
DRAFT = PaymentTokenDraft(coworker_invoice_id=1, token="tok_secret_value_9876")


@pytest.fixture
def client(tokens) -> NexudusClient:
    return NexudusClient(tokens=tokens, request_id="req-1")


# --- retries (responses) ----------------------------------------------------------------------------


def test_get_is_retried_on_503_then_succeeds(nexudus, client):
    nexudus.get(f"{TOKENS}/7", status=503)
    nexudus.get(f"{TOKENS}/7", status=502)
    nexudus.get(f"{TOKENS}/7", json=RECORD)

    assert client.get_payment_token(7).id == 7
    assert len(nexudus.calls) == 3


@pytest.mark.parametrize("status", [429, 409])
def test_throttled_get_is_retried_when_retry_after_fits_the_budget(nexudus, client, settings, status):
    settings.NEXUDUS_RETRY_BUDGET = 2.0
    nexudus.get(f"{TOKENS}/7", status=status, headers={"Retry-After": "1"})
    nexudus.get(f"{TOKENS}/7", json=RECORD)

    assert client.get_payment_token(7).id == 7
    assert len(nexudus.calls) == 2


@pytest.mark.parametrize("status", [429, 409])
def test_retry_after_beyond_budget_raises_at_once(nexudus, client, settings, waits, status):
    settings.NEXUDUS_RETRY_BUDGET = 4.0
    nexudus.get(f"{TOKENS}/7", status=status, headers={"Retry-After": "30"})
    nexudus.get(f"{TOKENS}/7", json=RECORD)

    with pytest.raises(NexudusRateLimited) as caught:
        client.get_payment_token(7)

    assert caught.value.retry_after == 30.0
    assert caught.value.status == status
    assert len(nexudus.calls) == 1
    assert waits == []


def test_get_gives_up_after_a_few_attempts(nexudus, client):
    nexudus.get(f"{TOKENS}/7", status=503)

    with pytest.raises(NexudusServerError):
        client.get_payment_token(7)
    assert len(nexudus.calls) == 4  # first try + 3 retries, all within the budget


def test_no_retry_budget_means_no_retry(nexudus, client, settings):
    settings.NEXUDUS_RETRY_BUDGET = 0.0
    nexudus.get(f"{TOKENS}/7", status=503, headers={"Retry-After": "1"})

    with pytest.raises(NexudusServerError):
        client.get_payment_token(7)
    assert len(nexudus.calls) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429, 409])
def test_write_is_never_retried_on_server_errors_or_throttling(nexudus, client, status):
    nexudus.post(TOKENS, status=status, headers={"Retry-After": "0"})
    nexudus.post(TOKENS, json=CREATED)

    with pytest.raises((NexudusServerError, NexudusRateLimited)):
        client.create_payment_token(DRAFT)
    assert len(nexudus.calls) == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_update_and_delete_are_never_retried(nexudus, client, method):
    nexudus.add(method, TOKENS if method == "PUT" else f"{TOKENS}/7", status=503)

    with pytest.raises(NexudusServerError):
        if method == "PUT":
            client.update_payment_token(7, DRAFT)
        else:
            client.delete_payment_token(7)
    assert len(nexudus.calls) == 1


# --- transport failures (responses raising what requests raises) -----------------------------------------


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(http.MaxRetryError(None, "/x?CoworkerInvoicePaymentToken_Token=s", reason))


def _dropped() -> requests.ConnectionError:
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


@pytest.mark.parametrize(
    ("error", "get_message"),
    [
        (requests.ConnectTimeout(), "did not answer in time"),
        (requests.ReadTimeout(), "did not answer in time"),
        (_refused(), "could not be reached"),
        (_dropped(), "could not be reached"),
        (requests.exceptions.ChunkedEncodingError(), "could not be reached"),
    ],
)
def test_read_failures_are_unavailable_and_requests_never_escapes(nexudus, client, error, get_message):
    nexudus.get(f"{TOKENS}/7", body=error)

    with pytest.raises(NexudusUnavailable) as caught:
        client.get_payment_token(7)

    assert type(caught.value) is NexudusUnavailable
    assert get_message in caught.value.message
    assert not isinstance(caught.value, requests.RequestException)
    assert caught.value.__suppress_context__  # the urllib3 text repeats the URL and its query


@pytest.mark.parametrize("error", [requests.ReadTimeout(), _dropped(), requests.exceptions.ChunkedEncodingError()])
def test_write_that_got_no_answer_has_unknown_outcome(nexudus, client, error):
    nexudus.post(f"{API}/api/billing/coworkerledgerentries", body=error)

    with pytest.raises(NexudusWriteOutcomeUnknown):
        client.create_ledger_entry(
            LedgerEntryDraft(
                business_id=1, coworker_id=2, description="d", code="c", debit=Decimal(0), credit=Decimal(1)
            )
        )
    assert len(nexudus.calls) == 1


@pytest.mark.parametrize("error", [requests.ConnectTimeout(), _refused(), requests.exceptions.InvalidURL()])
def test_write_that_never_left_is_plainly_unavailable(nexudus, client, error):
    nexudus.post(TOKENS, body=error)

    with pytest.raises(NexudusUnavailable) as caught:
        client.create_payment_token(DRAFT)
    assert not isinstance(caught.value, NexudusWriteOutcomeUnknown)


# --- transport failures over a real socket -----------------------------------------------------------


def test_get_is_retried_after_the_connection_drops(scripted_server, client):
    server = scripted_server(
        ("drop",), ("respond", 200, {"Content-Type": "application/json"}, b'{"Id": 7, "CoworkerInvoiceId": 1}')
    )

    assert client.get_payment_token(7).id == 7
    assert len(server.requests) == 2


def test_post_is_not_resent_after_the_connection_drops(scripted_server, client):
    server = scripted_server(("drop",), ("respond", 200, {}, b'{"Value": {"Id": 9}, "WasSuccessful": true}'))

    with pytest.raises(NexudusWriteOutcomeUnknown):
        client.create_payment_token(DRAFT)
    assert len(server.requests) == 1


def test_get_read_timeout_is_unavailable_and_not_retried(scripted_server, client, settings):
    settings.NEXUDUS_READ_TIMEOUT = 0.3
    server = scripted_server(("hang", 1.0), ("respond", 200, {}, b'{"Id": 7}'))

    with pytest.raises(NexudusUnavailable) as caught:
        client.get_payment_token(7)

    assert type(caught.value) is NexudusUnavailable
    assert len(server.requests) == 1


def test_post_read_timeout_has_unknown_outcome(scripted_server, client, settings):
    settings.NEXUDUS_READ_TIMEOUT = 0.3
    server = scripted_server(("hang", 1.0))

    with pytest.raises(NexudusWriteOutcomeUnknown):
        client.create_payment_token(DRAFT)
    assert len(server.requests) == 1


def test_connection_refused_is_unavailable_for_reads_and_writes(client, settings, waits):
    settings.NEXUDUS_API_URL = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(NexudusUnavailable) as read_error:
        client.get_payment_token(7)
    with pytest.raises(NexudusUnavailable) as write_error:
        client.create_payment_token(DRAFT)

    assert type(read_error.value) is NexudusUnavailable
    assert type(write_error.value) is NexudusUnavailable
    assert len(waits) <= 2  # the GET's connect retries stayed within the budget


def test_retry_after_is_actually_waited_before_the_retry(scripted_server, client, waits, settings):
    settings.NEXUDUS_RETRY_BUDGET = 2.0
    server = scripted_server(("respond", 429, {"Retry-After": "1"}, b""), ("respond", 200, {}, b'{"Id": 7}'))

    assert client.get_payment_token(7).id == 7
    assert waits == [1.0]
    assert len(server.requests) == 2


def test_retry_after_beyond_budget_is_not_waited(scripted_server, client, waits):
    server = scripted_server(("respond", 429, {"Retry-After": "60"}, b"Wait 60 seconds"))

    with pytest.raises(NexudusRateLimited) as caught:
        client.get_payment_token(7)

    assert caught.value.retry_after == 60.0
    assert waits == []
    assert len(server.requests) == 1


def test_html_bad_gateway_over_the_wire_is_a_server_error(scripted_server, client, settings):
    settings.NEXUDUS_RETRY_BUDGET = 0.0
    scripted_server(("respond", 502, {"Content-Type": "text/html"}, b"<html><body>502</body></html>"))

    with pytest.raises(NexudusServerError):
        client.get_payment_token(7)


# --- the retry policy itself --------------------------------------------------------------------------


def _answer(status: int, **headers: str) -> HTTPResponse:
    return HTTPResponse(body=b"", status=status, headers=headers)


def test_policy_waits_retry_after_and_backs_off_otherwise(settings):
    settings.NEXUDUS_RETRY_BUDGET = 10.0
    policy = http._new_retry()

    after_throttle = policy.increment("GET", "/x", response=_answer(429, **{"Retry-After": "2"}))
    after_503 = after_throttle.increment("GET", "/x", response=_answer(503))

    assert after_throttle.next_wait == 2.0
    assert after_503.next_wait == 0.5  # exponential backoff from the second consecutive failure


def test_policy_never_retries_a_write_even_when_the_connection_was_refused():
    error = NewConnectionError(None, "refused")
    with pytest.raises(http.MaxRetryError):
        http._new_retry().increment("POST", "/x", error=error)
    assert http._new_retry().increment("GET", "/x", error=error).total == 2


# --- the shared pool ------------------------------------------------------------------------------------


def test_all_clients_share_one_pooled_session(settings):
    sessions: list[requests.Session] = []
    threads = [threading.Thread(target=lambda: sessions.append(http.shared_session())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(s) for s in sessions}) == 1
    adapter = sessions[0].get_adapter("https://spaces.nexudus.com")
    assert adapter._pool_maxsize == settings.NEXUDUS_POOL_SIZE
    assert isinstance(adapter.max_retries, http.BudgetedRetry)


def test_session_keeps_no_cookies_between_people(nexudus, client):
    nexudus.get(f"{TOKENS}/7", json=RECORD, headers={"Set-Cookie": "sid=person-a; Path=/"})
    nexudus.get(f"{TOKENS}/8", json={**RECORD, "Id": 8})

    client.get_payment_token(7)
    client.get_payment_token(8)

    assert "Cookie" not in nexudus.calls[1].request.headers


def test_timeouts_come_from_settings(nexudus, client, settings):
    settings.NEXUDUS_CONNECT_TIMEOUT = 1.5
    settings.NEXUDUS_READ_TIMEOUT = 9.0
    nexudus.get(f"{TOKENS}/7", json=RECORD)

    client.get_payment_token(7)

    assert nexudus.calls[0].request.req_kwargs["timeout"] == (1.5, 9.0)


# --- logging --------------------------------------------------------------------------------------------


def test_each_call_logs_one_line_without_tokens(nexudus, client, caplog):
    nexudus.get(TOKENS, json={"Records": []})
    caplog.set_level(logging.INFO, logger="dashboard.nexudus")

    client.search_payment_tokens(PaymentTokenQuery(token="tok_secret_value_9876"))

    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.nexudus"]
    assert len(lines) == 1
    line = lines[0]
    assert "GET /api/billing/coworkerinvoicepaymenttokens" in line
    assert "CoworkerInvoicePaymentToken_Token" in line  # the parameter's name, not its value
    assert "status=200" in line and "duration_ms=" in line and "request_id=req-1" in line
    assert "tok_secret_value_9876" not in caplog.text
    assert ACCESS_TOKEN not in caplog.text


def test_failed_write_is_logged_without_its_body(nexudus, client, caplog):
    nexudus.post(TOKENS, body=requests.ReadTimeout())
    caplog.set_level(logging.DEBUG)

    with pytest.raises(NexudusWriteOutcomeUnknown):
        client.create_payment_token(DRAFT)

    assert "POST /api/billing/coworkerinvoicepaymenttokens" in caplog.text
    assert "failed (ReadTimeout)" in caplog.text
    assert "tok_secret_value_9876" not in caplog.text
    assert ACCESS_TOKEN not in caplog.text


def test_urllib3_retry_warnings_lose_their_query(scripted_server, client, caplog):
    scripted_server(("drop",), ("respond", 200, {}, b'{"Records": []}'))
    caplog.set_level(logging.DEBUG)

    client.search_payment_tokens(PaymentTokenQuery(token="tok_secret_value_9876"))

    assert "Retrying" in caplog.text  # urllib3 did log the retry...
    assert "tok_secret_value_9876" not in caplog.text  # ...but not the filter value


def test_request_id_is_cleaned_before_it_reaches_header_and_log(nexudus, tokens, caplog):
    nexudus.get(f"{TOKENS}/7", json=RECORD)
    caplog.set_level(logging.INFO, logger="dashboard.nexudus")

    NexudusClient(tokens=tokens, request_id="abc-123 <script> status=200").get_payment_token(7)

    assert nexudus.calls[0].request.headers["X-Request-Id"] == "abc-123scriptstatus=200"
    assert "request_id=abc-123scriptstatus=200" in caplog.text


def test_the_pool_has_a_connection_for_every_thread_that_can_wait_on_nexudus(settings):
    """Sized for the fan-out: a page's 2nd and 3rd reads never queue for a connection (issue 20)."""
    import os

    request_threads = int(os.environ.get("GUNICORN_THREADS", "8"))
    assert request_threads + settings.LOOKUP_THREADS <= settings.NEXUDUS_POOL_SIZE
    assert 2 * request_threads <= settings.LOOKUP_THREADS


def test_proxy_and_ca_bundle_are_read_once_from_the_environment(monkeypatch, settings):
    """requests' per-call environment walk is off (issue 20); what it would have found is kept."""
    settings.NEXUDUS_API_URL = "https://spaces.nexudus.com"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/company.pem")
    session = http._build_session()
    assert session.trust_env is False
    assert session.proxies.get("https") == "http://proxy.internal:3128"
    assert session.verify == "/etc/ssl/certs/company.pem"

    monkeypatch.setenv("NO_PROXY", "spaces.nexudus.com")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    session = http._build_session()
    assert "https" not in session.proxies and session.verify is True
