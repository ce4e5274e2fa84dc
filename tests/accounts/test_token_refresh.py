"""StoredTokenProvider: refresh shortly before expiry and after a 401, exactly once per user."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from dashboard.accounts import tokens as tokens_module
from dashboard.accounts.models import NexudusAccount
from dashboard.accounts.tokens import StoredTokenProvider
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusSignInError, NexudusUnavailable
from dashboard.nexudus.records import TokenSet


class FakeTokenEndpoint:
    """Stands in for token_refresh_grant: rotates tokens like Nexudus and counts the grants."""

    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, str]] = []
        self.delay, self.error = delay, error
        self.lock = threading.Lock()

    def __call__(self, *, refresh_token: str, client_id: str, base_url: str | None = None) -> TokenSet:
        with self.lock:
            self.calls.append((refresh_token, client_id))
            n = len(self.calls)
        time.sleep(self.delay)  # a slow upstream widens the race window
        if self.error:
            raise self.error
        return TokenSet(f"access-{n}", f"refresh-{n}", datetime.now(UTC) + timedelta(hours=1))


@pytest.fixture
def endpoint(monkeypatch) -> FakeTokenEndpoint:
    fake = FakeTokenEndpoint()
    monkeypatch.setattr(tokens_module, "token_refresh_grant", fake)
    return fake


def _user_with_tokens(expires_in: timedelta, email: str = "ops@example.com"):
    user = get_user_model().objects.create_user(email, email)
    account = NexudusAccount(user=user)
    account.store_tokens(TokenSet("access-0", "refresh-0", datetime.now(UTC) + expires_in))
    account.save()
    return user


@pytest.mark.django_db
def test_a_token_far_from_expiry_is_used_as_is(endpoint):
    user = _user_with_tokens(timedelta(hours=1))
    assert StoredTokenProvider(user).access_token() == "access-0"
    assert endpoint.calls == []


@pytest.mark.django_db
def test_a_token_within_the_margin_is_refreshed_first_with_our_client_id(endpoint, settings):
    user = _user_with_tokens(timedelta(seconds=settings.NEXUDUS_REFRESH_MARGIN - 5))
    assert StoredTokenProvider(user).access_token() == "access-1"
    assert endpoint.calls == [("refresh-0", user.nexudus_account.client_id)]
    stored = NexudusAccount.objects.get(user=user).token_set()
    assert (stored.access_token, stored.refresh_token) == ("access-1", "refresh-1")


@pytest.mark.django_db
def test_a_401_on_a_token_someone_already_replaced_returns_the_newer_one_without_refreshing(endpoint):
    user = _user_with_tokens(timedelta(hours=1))
    assert StoredTokenProvider(user).refresh("an-older-token") == "access-0"
    assert endpoint.calls == []
    assert StoredTokenProvider(user).refresh("access-0") == "access-1"
    assert len(endpoint.calls) == 1


@pytest.mark.django_db
def test_a_refused_refresh_deletes_the_tokens_and_ends_the_session(endpoint):
    endpoint.error = NexudusSignInError("invalid_grant", status=400, code="invalid_grant")
    user = _user_with_tokens(timedelta(seconds=-1))
    with pytest.raises(NexudusAuthExpired):
        StoredTokenProvider(user).access_token()
    account = NexudusAccount.objects.get(user=user)
    assert (account.access_token, account.refresh_token, account.expires_at) == ("", "", None)
    with pytest.raises(NexudusAuthExpired):
        StoredTokenProvider(user).access_token()
    assert len(endpoint.calls) == 1


@pytest.mark.django_db
def test_an_unreachable_token_endpoint_keeps_the_tokens_for_the_next_try(endpoint):
    endpoint.error = NexudusUnavailable()
    user = _user_with_tokens(timedelta(seconds=-1))
    with pytest.raises(NexudusUnavailable):
        StoredTokenProvider(user).access_token()
    assert NexudusAccount.objects.get(user=user).token_set().refresh_token == "refresh-0"


@pytest.mark.django_db
def test_a_user_without_tokens_has_no_nexudus_session(endpoint):
    user = get_user_model().objects.create_user("new@example.com", "new@example.com")
    with pytest.raises(NexudusAuthExpired):
        StoredTokenProvider(user).access_token()


def _in_parallel(count: int, work) -> list:
    barrier, results = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["expiry", "401"])
def test_parallel_requests_of_one_user_refresh_exactly_once(endpoint, how):
    endpoint.delay = 0.3
    user = _user_with_tokens(timedelta(seconds=-1) if how == "expiry" else timedelta(hours=1))

    def work() -> str:
        provider = StoredTokenProvider(user)
        return provider.access_token() if how == "expiry" else provider.refresh("access-0")

    results = _in_parallel(8, work)
    assert results == ["access-1"] * 8
    assert endpoint.calls == [("refresh-0", user.nexudus_account.client_id)]


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_meets_a_sign_in_elsewhere_waits_for_it_and_uses_its_tokens(endpoint, monkeypatch):
    """Nexudus invalidates a client_id's earlier refresh tokens on a new password grant: a refresh sent with
    the old one while the person signs in on another computer would be refused and end every session. The
    grant holds the refresh lock, so the refresh waits, then finds the new tokens stored and sends nothing."""
    from dashboard.accounts import services

    user = _user_with_tokens(timedelta(hours=1))
    granting, results = threading.Event(), {}

    def slow_grant(**kwargs) -> TokenSet:
        granting.set()
        time.sleep(0.3)  # the refresh arrives while Nexudus is still answering the sign-in
        return TokenSet("signin-access", "signin-refresh", datetime.now(UTC) + timedelta(hours=1))

    monkeypatch.setattr(services, "token_password_grant", slow_grant)

    def sign_in() -> None:
        try:
            services.nexudus_signin(email=user.username, password="pw")
        finally:
            connection.close()

    def refresh() -> None:
        granting.wait(10)
        try:
            results["refresh"] = StoredTokenProvider(user).refresh("access-0")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in), threading.Thread(target=refresh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["refresh"] == "signin-access"
    assert endpoint.calls == []  # the old refresh token was never sent
