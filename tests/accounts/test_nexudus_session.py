"""The signed-in person's Nexudus session against the sandbox: transparent refresh, exactly-once refresh
under concurrency, the end of a session (back to sign-in and then to the page), and per-user isolation."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django_htmx.middleware import HtmxDetails

from dashboard.accounts.middleware import SESSION_ENDED_MESSAGE, NexudusSessionMiddleware
from dashboard.accounts.models import NexudusAccount
from dashboard.accounts.session import nexudus_client
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError, NexudusUnavailable
from dashboard.nexudus.queries import BusinessQuery
from dashboard.nexudus.records import TokenSet
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("signin_throttle_cleared")


def _request(client: Client | None, email: str, path: str = "/payment-tokens/?page=2", **headers):
    """A request of `email`'s user, carrying `client`'s session (as the view would see it)."""
    request = RequestFactory().get(path, **headers)
    request.user = get_user_model().objects.get(username=email)
    request.session = client.session if client is not None else SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _stored(email: str) -> TokenSet | None:
    return NexudusAccount.objects.get(user__username=email).token_set()


def _replace_stored(email: str, **changes) -> None:
    account = NexudusAccount.objects.get(user__username=email)
    current = account.token_set()
    account.store_tokens(TokenSet(**{**current.__dict__, **changes}))
    account.save()


def _search(email: str, client: Client | None = None) -> int:
    return nexudus_client(_request(client, email)).search_businesses(BusinessQuery()).total_items


def _grants(upstream) -> dict:
    return upstream.counters()["grants"]


@pytest.mark.django_db
def test_a_token_about_to_expire_is_refreshed_before_use(ops_client, upstream):
    before = _stored("ops@sandbox.test")
    _replace_stored("ops@sandbox.test", expires_at=datetime.now(UTC) + timedelta(seconds=30))
    assert _search("ops@sandbox.test") > 0
    after = _stored("ops@sandbox.test")
    assert _grants(upstream)["refresh_token"] == 1
    assert after.access_token != before.access_token and after.refresh_token != before.refresh_token


@pytest.mark.django_db
def test_a_token_nexudus_expired_early_is_refreshed_after_the_401_and_the_call_succeeds(client, upstream, settings):
    settings.NEXUDUS_REFRESH_MARGIN = 0
    upstream.configure(token_lifetime_s=1)
    assert sign_in(client).status_code == 302
    upstream.configure(token_lifetime_s=3600)
    # We believe the token is good for an hour; Nexudus has already expired it.
    _replace_stored("ops@sandbox.test", expires_at=datetime.now(UTC) + timedelta(hours=1))
    time.sleep(1.2)
    assert _search("ops@sandbox.test") > 0
    assert _grants(upstream)["refresh_token"] == 1
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["expired", "rejected"])
def test_parallel_requests_of_one_user_with_an_expired_token_refresh_exactly_once(client, upstream, settings, how):
    settings.NEXUDUS_REFRESH_MARGIN = 0
    upstream.configure(token_lifetime_s=1)
    assert sign_in(client).status_code == 302
    upstream.configure(token_lifetime_s=3600, latency_ms=100)
    if how == "rejected":  # every request first gets a 401, then asks for a refresh
        _replace_stored("ops@sandbox.test", expires_at=datetime.now(UTC) + timedelta(hours=1))
    time.sleep(1.2)
    barrier, results = threading.Barrier(8), []

    def work() -> None:
        barrier.wait()
        try:
            results.append(_search("ops@sandbox.test"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 8 and all(isinstance(total, int) for total in results), results
    assert _grants(upstream)["refresh_token"] == 1
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_refresh_ends_the_session_and_returns_to_the_page_after_signing_in(ops_client, upstream, htmx):
    _replace_stored("ops@sandbox.test", refresh_token="revoked", expires_at=datetime.now(UTC))
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/ledger-entries/?q=x"}
    request = _request(ops_client, "ops@sandbox.test", **(headers if htmx else {}))
    request.htmx = HtmxDetails(request)
    with pytest.raises(NexudusAuthExpired) as ended:
        nexudus_client(request).search_businesses(BusinessQuery())
    response = NexudusSessionMiddleware(lambda r: None).process_exception(request, ended.value)

    assert _stored("ops@sandbox.test") is None
    assert [m.message for m in request._messages] == [SESSION_ENDED_MESSAGE]
    assert ops_client.get("/").status_code == 302  # the Django session ended too
    if htmx:
        assert response.status_code == 401 and not response.content
        target = response["HX-Redirect"]
    else:
        assert response.status_code == 302
        target = response["Location"]
    assert urlsplit(target).path == "/signin/"
    next_url = parse_qs(urlsplit(target).query)["next"][0]
    assert next_url == ("/ledger-entries/?q=x" if htmx else "/payment-tokens/?page=2")
    back = sign_in(ops_client, next_url=next_url)
    assert back.status_code == 302 and back["Location"] == next_url


@pytest.mark.django_db
def test_a_token_endpoint_outage_during_refresh_keeps_the_session(ops_client, upstream):
    _replace_stored("ops@sandbox.test", expires_at=datetime.now(UTC))
    upstream.fault("status", status=503, path="/api/token")
    with pytest.raises(NexudusError) as failed:
        _search("ops@sandbox.test")
    assert not isinstance(failed.value, NexudusAuthExpired)
    assert _stored("ops@sandbox.test") is not None
    assert _search("ops@sandbox.test") > 0  # the next request refreshes and carries on


@pytest.mark.django_db
def test_other_exceptions_are_left_to_the_rest_of_the_stack():
    request = RequestFactory().get("/")
    assert NexudusSessionMiddleware(lambda r: None).process_exception(request, NexudusUnavailable()) is None


@pytest.mark.django_db(transaction=True)
def test_each_user_s_requests_only_ever_use_that_user_s_token(upstream):
    ops, agent = Client(), Client()
    assert sign_in(ops, email="ops@sandbox.test").status_code == 302
    assert sign_in(agent, email="agent@sandbox.test").status_code == 302
    prefixes = {email: _stored(email).access_token[:8] for email in ("ops@sandbox.test", "agent@sandbox.test")}
    upstream.reset_counters()
    plan = ["ops@sandbox.test", "agent@sandbox.test"] * 6 + ["ops@sandbox.test"] * 3
    errors: list[Exception] = []

    def work(email: str) -> None:
        try:
            _search(email)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(email,)) for email in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    counters = upstream.counters()
    assert errors == []
    assert counters["by_user"] == {"ops@sandbox.test": 9, "agent@sandbox.test": 6}
    assert counters["by_token"] == {prefixes["ops@sandbox.test"]: 9, prefixes["agent@sandbox.test"]: 6}


def test_an_anonymous_request_never_gets_a_client():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(NexudusAuthExpired):
        nexudus_client(request)


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_token_in_plain_text(upstream):
    tokens = []
    for email in ("ops@sandbox.test", "mfa@sandbox.test"):
        assert sign_in(Client(), email=email).status_code == 302
        stored = _stored(email)
        tokens += [stored.access_token, stored.refresh_token]
    with connection.cursor() as cursor:  # every column of every table, whatever the database engine
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = repr(cursor.fetchall())
            assert not [token for token in tokens if token in dump], table
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert len(raw) > 0
        assert not [token for token in tokens if token.encode() in raw]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_page_whose_nexudus_session_ended_sends_the_person_to_sign_in_and_back(ops_client, upstream, htmx):
    """End to end through the middleware stack, on a page that reads from Nexudus."""
    _replace_stored("ops@sandbox.test", refresh_token="revoked", expires_at=datetime.now(UTC))
    page = "/payment-tokens/?page=2"
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"} if htmx else {}
    response = ops_client.get(page, headers=headers)
    if htmx:
        assert response.status_code == 401 and "<form" not in response.content.decode()
        target = response["HX-Redirect"]
    else:
        assert response.status_code == 302
        target = response["Location"]
    assert target == "/signin/?next=%2Fpayment-tokens%2F%3Fpage%3D2"
    assert SESSION_ENDED_MESSAGE in ops_client.get(target).content.decode()
    assert _stored("ops@sandbox.test") is None
    assert sign_in(ops_client, next_url=page)["Location"] == page
