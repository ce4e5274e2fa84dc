"""Tokens at rest: encrypted in every column, readable with any configured key, rotatable."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from dashboard.accounts import crypto
from dashboard.accounts.models import NexudusAccount
from dashboard.nexudus.records import TokenSet

pytestmark = pytest.mark.django_db

ACCESS = "eyJhbGciOiJSUzI1NiJ9.access-plaintext-marker"
REFRESH = "refresh-plaintext-marker-8xLOxBtZp8"


def _account(email: str = "person@example.com") -> NexudusAccount:
    user = get_user_model().objects.create_user(email, email)
    account = NexudusAccount(user=user)
    account.store_tokens(TokenSet(ACCESS, REFRESH, datetime.now(UTC) + timedelta(hours=1)))
    account.save()
    return account


def _raw_columns(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT access_token, refresh_token FROM {NexudusAccount._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_token_columns_hold_ciphertext_not_the_tokens():
    account = _account()
    raw_access, raw_refresh = _raw_columns(account.pk)
    assert ACCESS not in raw_access and REFRESH not in raw_refresh
    assert raw_access.startswith("gAAAAA") and raw_refresh.startswith("gAAAAA")
    stored = NexudusAccount.objects.get(pk=account.pk).token_set()
    assert (stored.access_token, stored.refresh_token) == (ACCESS, REFRESH)


def test_saving_a_plaintext_token_is_refused():
    account = _account()
    account.access_token = ACCESS
    with pytest.raises(ValueError, match="encrypted"):
        account.save()


def test_each_user_gets_its_own_client_id_with_the_configured_prefix(settings):
    first, second = _account("a@example.com"), _account("b@example.com")
    assert first.client_id.startswith(f"{settings.NEXUDUS_CLIENT_ID_PREFIX}-")
    assert first.client_id != second.client_id


def test_development_key_is_derived_from_secret_key_when_no_keys_are_set(settings):
    settings.FERNET_KEYS = []
    ciphertext = crypto.encrypt("token")
    assert Fernet(crypto.derived_development_key(settings.SECRET_KEY)).decrypt(ciphertext.encode()) == b"token"
    settings.SECRET_KEY = settings.SECRET_KEY + "-other"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(ciphertext)


def test_rotation_re_encrypts_under_the_new_key_and_old_key_can_then_be_dropped(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FERNET_KEYS = [old_key]
    account = _account()
    before = _raw_columns(account.pk)

    settings.FERNET_KEYS = [new_key, old_key]  # new key first: encrypts; old key still decrypts
    assert NexudusAccount.objects.get(pk=account.pk).token_set().access_token == ACCESS
    call_command("rotate_tokens", stdout=io.StringIO())
    after = _raw_columns(account.pk)
    assert after != before
    assert Fernet(new_key.encode()).decrypt(after[1].encode()).decode() == REFRESH

    settings.FERNET_KEYS = [new_key]
    stored = NexudusAccount.objects.get(pk=account.pk).token_set()
    assert (stored.access_token, stored.refresh_token) == (ACCESS, REFRESH)


def test_tokens_no_configured_key_can_read_count_as_signed_out(settings):
    settings.FERNET_KEYS = [Fernet.generate_key().decode()]
    account = _account()
    settings.FERNET_KEYS = [Fernet.generate_key().decode()]
    assert NexudusAccount.objects.get(pk=account.pk).token_set() is None
