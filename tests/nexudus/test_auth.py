"""The /api/token grants (dashboard/nexudus/auth.py): form body, client_id header, error mapping."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
from responses import matchers

from dashboard.nexudus.auth import token_password_grant, token_refresh_grant
from dashboard.nexudus.errors import (
    NexudusInvalidCredentials,
    NexudusMalformedResponse,
    NexudusRateLimited,
    NexudusServerError,
    NexudusSignInError,
    NexudusTwoFactorRequired,
    NexudusUnavailable,
)

from .conftest import API

TOKEN_URL = f"{API}/api/token"
PASSWORD = "correct horse battery staple"
GRANTED = {
    "access_token": "eyJ.new.access",
    "token_type": "bearer",
    "expires_in": 3600,
    "refresh_token": "refresh-rotated-1",
}


def sign_in(**overrides):
    kwargs = {"username": "ada@example.com", "password": PASSWORD, "client_id": "billing-desk-7"}
    return token_password_grant(**{**kwargs, **overrides})


def test_password_grant_is_form_encoded_with_client_id_header(nexudus):
    nexudus.post(
        TOKEN_URL,
        json=GRANTED,
        match=[
            matchers.urlencoded_params_matcher(
                {"grant_type": "password", "username": "ada@example.com", "password": PASSWORD}
            ),
            matchers.header_matcher({"client_id": "billing-desk-7"}),
        ],
    )
    before = datetime.now(UTC)

    tokens = sign_in()

    assert (tokens.access_token, tokens.refresh_token) == ("eyJ.new.access", "refresh-rotated-1")
    assert before + timedelta(seconds=3600) <= tokens.expires_at <= datetime.now(UTC) + timedelta(seconds=3600)
    assert "Authorization" not in nexudus.calls[0].request.headers


def test_totp_is_sent_when_given(nexudus):
    nexudus.post(
        TOKEN_URL,
        json=GRANTED,
        match=[
            matchers.urlencoded_params_matcher(
                {"grant_type": "password", "username": "ada@example.com", "password": PASSWORD, "totp": "482910"}
            )
        ],
    )

    assert sign_in(totp="482910").access_token == "eyJ.new.access"


def test_two_factor_check_asks_for_the_code(nexudus):
    nexudus.post(TOKEN_URL, status=400, json={"error": "two_factor_auth_check", "error_description": "2FA"})

    with pytest.raises(NexudusTwoFactorRequired) as caught:
        sign_in()
    assert caught.value.code == "two_factor_auth_check"


def test_wrong_password_is_invalid_credentials(nexudus):
    nexudus.post(
        TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "Invalid user name or password"}
    )

    with pytest.raises(NexudusInvalidCredentials) as caught:
        sign_in()
    assert caught.value.code == "invalid_grant"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"json": {"error": "must_reset_password", "error_description": "Reset it first"}}, "must_reset_password"),
        ({"json": {"error": "unsupported_grant_type"}}, "unsupported_grant_type"),
        ({"json": {"Message": "odd"}}, None),
        ({"body": "<html>Bad Request</html>"}, None),
        ({"body": ""}, None),
        ({"json": ["a", "list"]}, None),
    ],
)
def test_any_other_refusal_is_a_sign_in_error_with_its_code(nexudus, kwargs, code):
    nexudus.post(TOKEN_URL, status=400, **kwargs)

    with pytest.raises(NexudusSignInError) as caught:
        sign_in()

    assert type(caught.value) is NexudusSignInError
    assert caught.value.code == code


def test_refresh_grant_sends_refresh_token_and_same_client_id(nexudus):
    nexudus.post(
        TOKEN_URL,
        json={**GRANTED, "expires_in": "86400"},
        match=[
            matchers.urlencoded_params_matcher({"grant_type": "refresh_token", "refresh_token": "refresh-old"}),
            matchers.header_matcher({"client_id": "billing-desk-7"}),
        ],
    )

    tokens = token_refresh_grant(refresh_token="refresh-old", client_id="billing-desk-7")

    assert tokens.refresh_token == "refresh-rotated-1"
    assert tokens.expires_at > datetime.now(UTC) + timedelta(hours=23)


def test_refused_refresh_is_a_sign_in_error_not_a_password_problem(nexudus):
    nexudus.post(TOKEN_URL, status=400, json={"error": "invalid_grant"})

    with pytest.raises(NexudusSignInError) as caught:
        token_refresh_grant(refresh_token="refresh-used", client_id="c")

    assert type(caught.value) is NexudusSignInError
    assert caught.value.code == "invalid_grant"


def test_base_url_can_be_given(nexudus):
    nexudus.post("http://tenant.test/api/token", json=GRANTED)

    assert sign_in(base_url="http://tenant.test/").access_token == "eyJ.new.access"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"status": 500, "json": {"Message": "An error has occurred."}}, NexudusServerError),
        ({"status": 503, "body": "<html>down</html>"}, NexudusServerError),
        ({"status": 429, "headers": {"Retry-After": "5"}}, NexudusRateLimited),
        ({"status": 200, "body": "not json"}, NexudusMalformedResponse),
        ({"status": 200, "json": {"access_token": "a", "expires_in": 10}}, NexudusMalformedResponse),
        ({"status": 200, "json": {**GRANTED, "expires_in": None}}, NexudusMalformedResponse),
        ({"status": 200, "json": {**GRANTED, "access_token": ""}}, NexudusMalformedResponse),
        ({"status": 200, "json": ["x"]}, NexudusMalformedResponse),
        ({"body": requests.ConnectTimeout()}, NexudusUnavailable),
        ({"body": requests.ReadTimeout()}, NexudusUnavailable),
    ],
)
def test_token_endpoint_failures_map_to_one_exception(nexudus, kwargs, expected):
    nexudus.post(TOKEN_URL, **kwargs)

    with pytest.raises(expected):
        sign_in()
    assert len(nexudus.calls) == 1  # never retried


def test_password_and_tokens_never_reach_the_log(nexudus, caplog):
    caplog.set_level(logging.DEBUG)
    nexudus.post(TOKEN_URL, json=GRANTED)
    nexudus.post(TOKEN_URL, status=400, json={"error": "invalid_grant"})

    tokens = sign_in()
    with pytest.raises(NexudusSignInError):
        token_refresh_grant(refresh_token="refresh-secret-xyz", client_id="billing-desk-7")

    assert "POST /api/token" in caplog.text
    for secret in (PASSWORD, "eyJ.new.access", "refresh-rotated-1", "refresh-secret-xyz"):
        assert secret not in caplog.text
    assert "refresh-rotated-1" not in repr(tokens)
