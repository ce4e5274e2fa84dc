"""Signing in again elsewhere keeps every open session of that person working, against a sandbox that
invalidates a client_id's earlier refresh tokens on a new password grant (the observed profile; the
Nexudus token-authentication reference says so)."""

from __future__ import annotations

import time

import pytest
import requests
from django.test import Client

from dashboard.accounts.models import NexudusAccount
from tests.conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signin_throttle_cleared"),
    pytest.mark.sandbox_profile("observed"),
]
PAGE = "/payment-tokens/"
LIFETIME_S = 1


def _refused(upstream, refresh_token: str, client_id: str) -> bool:
    answer = requests.post(
        f"{upstream.url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        headers={"client_id": client_id},
        timeout=10,
    )
    return answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def _stored(email: str = "ops@sandbox.test"):
    account = NexudusAccount.objects.get(user__username=email)
    return account, account.token_set()


def test_the_first_browser_keeps_working_past_its_next_refresh(upstream, settings):
    # Access tokens live 1 s and are refreshed only once expired, so the next page after the wait refreshes.
    settings.NEXUDUS_REFRESH_MARGIN = 0
    upstream.configure(token_lifetime_s=LIFETIME_S)
    first, second = Client(), Client()
    assert sign_in(first).status_code == 302
    assert first.get(PAGE).status_code == 200
    account, first_tokens = _stored()

    assert sign_in(second).status_code == 302  # the same person, on another computer
    _, second_tokens = _stored()
    assert second_tokens.refresh_token != first_tokens.refresh_token
    # The sandbox really invalidated the first sign-in's refresh token: a session that had kept it would end.
    assert _refused(upstream, first_tokens.refresh_token, account.client_id)

    time.sleep(LIFETIME_S + 0.2)
    upstream.reset_counters()
    response = first.get(PAGE)
    assert response.status_code == 200 and "/signin/" not in response.get("Location", "")
    assert upstream.counters()["grants"]["refresh_token"] == 1  # it did refresh, with the shared set
    assert second.get(PAGE).status_code == 200
    assert _stored()[1].refresh_token not in (first_tokens.refresh_token, second_tokens.refresh_token)


def test_both_browsers_keep_working_through_several_sign_ins_and_refreshes(upstream, settings):
    settings.NEXUDUS_REFRESH_MARGIN = 0
    upstream.configure(token_lifetime_s=LIFETIME_S)
    browsers = [Client(), Client()]
    for client in browsers:
        assert sign_in(client).status_code == 302
    for round_ in range(2):
        time.sleep(LIFETIME_S + 0.2)
        for client in browsers:
            assert client.get(PAGE).status_code == 200, f"round {round_}"
        assert sign_in(browsers[round_ % 2]).status_code == 302
    assert all(client.get(PAGE).status_code == 200 for client in browsers)
