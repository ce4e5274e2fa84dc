"""/signin/ and /signout/ against the sandbox over HTTP: demo users, 2FA, failures, throttling, `next`."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from dashboard.accounts.models import NexudusAccount
from dashboard.accounts.pending import SESSION_KEY as PENDING_SESSION_KEY
from tests.conftest import PENDING_FIELD, SANDBOX_PASSWORD, current_totp, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signin_throttle_cleared")]

SIGNIN = "/signin/"
DEMO_USERS = ["admin@sandbox.test", "ops@sandbox.test", "agent@sandbox.test", "noroles@sandbox.test"]


def _text(response) -> str:
    return response.content.decode()


def test_sign_in_page_labels_every_field_and_sets_autocomplete(client):
    html = _text(client.get(SIGNIN))
    assert re.search(r'<label for="id_email">', html) and re.search(r'<label for="id_password">', html)
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script (strict CSP)


@pytest.mark.parametrize("email", DEMO_USERS)
def test_each_demo_user_signs_in_and_gets_a_user_keyed_by_email(client, upstream, email):
    response = sign_in(client, email=email.upper())  # emails are case-insensitive
    assert response.status_code == 302 and response["Location"] == reverse("invoices:home")
    user = get_user_model().objects.get(username=email)
    assert user.email == email and not user.has_usable_password()
    account = NexudusAccount.objects.get(user=user)
    assert account.has_tokens and account.token_set().access_token.startswith("eyJ")
    assert client.get("/").status_code == 200
    assert upstream.counters()["grants"]["password"] == 1


def test_signing_in_again_updates_the_same_user_and_keeps_its_client_id(client, upstream):
    sign_in(client)
    first = NexudusAccount.objects.get(user__username="ops@sandbox.test")
    client.logout()
    sign_in(client)
    again = NexudusAccount.objects.get(user__username="ops@sandbox.test")
    assert get_user_model().objects.filter(username="ops@sandbox.test").count() == 1
    assert again.client_id == first.client_id and again.access_token != first.access_token


def test_two_factor_user_is_asked_for_the_code_then_signed_in(client, upstream):
    first = client.post(SIGNIN, {"email": "mfa@sandbox.test", "password": SANDBOX_PASSWORD})
    html = _text(first)
    assert first.status_code == 200 and "6-digit code" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert SANDBOX_PASSWORD not in html.split("<main", 1)[1].replace("sandbox.test", "")
    ciphertext = PENDING_FIELD.search(html).group(1)
    # The session holds only the email and a one-off key; neither is the password.
    assert SANDBOX_PASSWORD not in str(client.session[PENDING_SESSION_KEY]).replace("sandbox.test", "")

    response = client.post(SIGNIN, {"step": "code", "code": current_totp(), "pending": ciphertext})
    assert response.status_code == 302
    assert NexudusAccount.objects.get(user__username="mfa@sandbox.test").has_tokens
    assert PENDING_SESSION_KEY not in client.session
    # After use the key is gone: replaying the same form cannot sign anyone in.
    client.logout()
    replay = client.post(SIGNIN, {"step": "code", "code": current_totp(), "pending": ciphertext})
    assert replay.status_code == 200 and "took too long" in _text(replay)


def test_a_wrong_code_keeps_the_code_step_and_says_so(client, upstream):
    response = sign_in(client, email="mfa@sandbox.test", totp="000000")
    assert response.status_code == 200
    assert "That code was not accepted" in _text(response) and 'name="pending"' in _text(response)
    assert "_auth_user_id" not in client.session
    ciphertext = PENDING_FIELD.search(_text(response)).group(1)
    retry = client.post(SIGNIN, {"step": "code", "code": current_totp(), "pending": ciphertext})
    assert retry.status_code == 302


def test_a_wrong_password_says_so_keeps_the_email_and_stores_nothing(client, upstream):
    response = sign_in(client, email="ops@sandbox.test", password="not-the-password")
    html = _text(response)
    assert response.status_code == 200
    assert "don&#x27;t match a Nexudus account" in html and 'role="alert"' in html
    assert 'value="ops@sandbox.test"' in html and "not-the-password" not in html
    assert not get_user_model().objects.filter(username="ops@sandbox.test").exists()


def test_an_unreachable_nexudus_is_explained(client, upstream, settings):
    settings.NEXUDUS_API_URL = "http://127.0.0.1:9"
    response = sign_in(client)
    # Explained on the page, never a 5xx from the dashboard (tests/reliability/test_upstream_faults.py).
    assert response.status_code == 200 and "could not be reached" in _text(response)


def test_a_failing_token_endpoint_is_explained(client, upstream):
    upstream.fault("status", status=503, path="/api/token")
    response = sign_in(client)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_sign_in_is_throttled_per_account_without_asking_nexudus(client, upstream, settings):
    settings.SIGNIN_MAX_ATTEMPTS = 3
    for _ in range(3):
        assert sign_in(client, password="wrong").status_code == 200
    before = upstream.counters()["grants"]["password"]
    response = sign_in(client)  # even the right password waits for the window to end
    assert response.status_code == 429 and "Too many sign-in attempts" in _text(response)
    assert response["Retry-After"] == str(settings.SIGNIN_WINDOW_SECONDS)
    assert upstream.counters()["grants"]["password"] == before
    assert sign_in(client, email="agent@sandbox.test").status_code == 302  # other accounts unaffected


def test_sign_in_is_throttled_per_address_across_accounts(client, upstream, settings):
    settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 4
    for n in range(4):
        assert sign_in(client, email=f"guess{n}@sandbox.test", password="x").status_code == 200
    assert sign_in(client, email="ops@sandbox.test").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.9.8.7"), email="ops@sandbox.test").status_code == 302


def test_a_successful_sign_in_clears_the_account_budget(client, upstream, settings):
    settings.SIGNIN_MAX_ATTEMPTS = 3
    sign_in(client, password="wrong")
    sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
    client.logout()
    sign_in(client, password="wrong")
    sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/payment-tokens/?page=2", "/payment-tokens/?page=2"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_followed_only_when_it_stays_on_this_site(client, upstream, next_url, expected):
    response = sign_in(client, next_url=next_url)
    assert response.status_code == 302 and response["Location"] == expected


def test_signed_in_visitor_of_the_sign_in_page_goes_on(ops_client):
    assert ops_client.get(SIGNIN + "?next=/ledger-entries/")["Location"] == "/ledger-entries/"


def test_sign_out_needs_post_deletes_the_tokens_and_ends_the_session(ops_client):
    assert ops_client.get("/signout/").status_code == 405
    response = ops_client.post("/signout/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signin")
    account = NexudusAccount.objects.get(user__username="ops@sandbox.test")
    assert (account.access_token, account.refresh_token, account.expires_at) == ("", "", None)
    assert ops_client.get("/").status_code == 302


def test_sign_out_and_sign_in_require_the_csrf_token(upstream):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SIGNIN, {"email": "ops@sandbox.test", "password": SANDBOX_PASSWORD}).status_code == 403
    assert strict.post("/signout/").status_code == 403
    assert upstream.counters()["grants"]["password"] == 0


def test_nexudus_throttling_the_sign_in_is_explained(client, upstream):
    upstream.fault("status", status=429, retry_after=1, path="/api/token")
    response = sign_in(client)
    assert response.status_code == 200 and "too many requests" in _text(response)


def test_a_password_is_never_logged_or_stored(client, upstream, caplog):
    marker = "Pw-Marker-7c1e9b"
    caplog.set_level("DEBUG")
    sign_in(client, email="ops@sandbox.test", password=marker)
    sign_in(client, email="mfa@sandbox.test", password=SANDBOX_PASSWORD, totp="000000")
    assert marker not in caplog.text and "password=" not in caplog.text
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            assert marker not in repr(cursor.fetchall()), table


def test_refused_sign_ins_send_django_s_login_failed_signal_without_the_password(client, upstream, settings):
    from django.contrib.auth.signals import user_login_failed

    seen: list[tuple[dict, str]] = []

    def receiver(sender, credentials, request=None, **kwargs):
        seen.append((credentials, kwargs.get("reason")))

    user_login_failed.connect(receiver, dispatch_uid="test-accounts-signal")
    try:
        settings.SIGNIN_MAX_ATTEMPTS = 2
        sign_in(client, email="mfa@sandbox.test", totp="000000")
        sign_in(client, email="ops@sandbox.test", password="Pw-Marker-7c1e9b")
        sign_in(client, email="mfa@sandbox.test")
    finally:
        user_login_failed.disconnect(dispatch_uid="test-accounts-signal")
    assert seen == [
        ({"username": "mfa@sandbox.test"}, "wrong_code"),
        ({"username": "ops@sandbox.test"}, "invalid_credentials"),
        ({"username": "mfa@sandbox.test"}, "throttled"),
    ]
