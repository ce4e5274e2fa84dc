"""StoredTokenProvider reads the stored tokens once per request (per provider), however many upstream
calls the page makes and on however many threads, and never carries them over to the next request."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.accounts import tokens as tokens_module
from dashboard.accounts.models import NexudusAccount
from dashboard.accounts.services import signout_tokens_delete
from dashboard.accounts.tokens import StoredTokenProvider
from dashboard.nexudus.errors import NexudusAuthExpired
from dashboard.nexudus.records import TokenSet


def _user(expires_in=timedelta(hours=1), email="reads@example.com"):
    user = get_user_model().objects.create_user(email, email)
    account = NexudusAccount(user=user)
    account.store_tokens(TokenSet("access-0", "refresh-0", datetime.now(UTC) + expires_in))
    account.save()
    return user


@pytest.mark.django_db
def test_one_read_for_many_calls_of_one_request():
    provider = StoredTokenProvider(_user())
    with CaptureQueriesContext(connection) as queries:
        assert [provider.access_token() for _ in range(5)] == ["access-0"] * 5
    assert len(queries) == 1


@pytest.mark.django_db
def test_the_raw_read_gives_what_the_model_gives():
    user = _user()
    stored = NexudusAccount.objects.get(user=user).token_set()
    assert StoredTokenProvider(user)._read() == stored


@pytest.mark.django_db
def test_each_request_reads_again_so_a_sign_out_elsewhere_counts_at_once():
    user = _user()
    assert StoredTokenProvider(user).access_token() == "access-0"
    signout_tokens_delete(user=user)
    with pytest.raises(NexudusAuthExpired):
        StoredTokenProvider(user).access_token()


@pytest.mark.django_db
def test_a_refresh_replaces_the_remembered_token(monkeypatch):
    user = _user()
    monkeypatch.setattr(
        tokens_module,
        "token_refresh_grant",
        lambda **_: TokenSet("access-1", "refresh-1", datetime.now(UTC) + timedelta(hours=1)),
    )
    provider = StoredTokenProvider(user)
    assert provider.access_token() == "access-0"
    assert provider.refresh("access-0") == "access-1"
    with CaptureQueriesContext(connection) as queries:
        assert provider.access_token() == "access-1"
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_calls_share_one_read(monkeypatch):
    user = _user()
    provider = StoredTokenProvider(user)
    reads = []
    real_read = StoredTokenProvider._read

    def counting_read(self):
        reads.append(threading.get_ident())
        return real_read(self)

    monkeypatch.setattr(StoredTokenProvider, "_read", counting_read)
    barrier, results = threading.Barrier(4), []

    def work():
        barrier.wait()
        try:
            results.append(provider.access_token())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == ["access-0"] * 4
    assert len(reads) == 1


@pytest.mark.django_db
def test_the_row_read_with_the_user_serves_the_tokens_without_a_query():
    user = _user()
    account = get_user_model().objects.select_related("nexudus_account").get(pk=user.pk).nexudus_account
    with CaptureQueriesContext(connection) as queries:
        assert StoredTokenProvider(user, account).access_token() == "access-0"
    assert len(queries) == 0


@pytest.mark.django_db
def test_someone_elses_row_is_never_used():
    user, other = _user(), _user(email="other@example.com")
    others = NexudusAccount.objects.get(user=other)
    others.store_tokens(TokenSet("other-access", "other-refresh", datetime.now(UTC) + timedelta(hours=1)))
    others.save()
    assert StoredTokenProvider(user, others).access_token() == "access-0"


@pytest.mark.django_db
def test_after_a_refresh_the_requests_next_client_starts_from_the_new_tokens(monkeypatch):
    """Two clients in one request share the account row read with the user: the second one, made after the
    first refreshed, uses the new token at once (no second refresh, no lock, no query)."""
    user = _user()
    monkeypatch.setattr(
        tokens_module,
        "token_refresh_grant",
        lambda **_: TokenSet("access-1", "refresh-1", datetime.now(UTC) + timedelta(hours=1)),
    )
    account = NexudusAccount.objects.get(user=user)
    assert StoredTokenProvider(user, account).refresh("access-0") == "access-1"
    with CaptureQueriesContext(connection) as queries:
        assert StoredTokenProvider(user, account).access_token() == "access-1"
    assert len(queries) == 0
