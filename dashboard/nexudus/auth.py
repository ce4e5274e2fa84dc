"""The `/api/token` grants (password with optional TOTP, and refresh).

Never retried: a refresh token rotates, so a resent refresh grant could sign the person out, and a
resent password grant would count twice against sign-in limits. Passwords and tokens are never logged
(http.send logs the path and status only).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings

from .answers import raise_for_response
from .errors import (
    NexudusInvalidCredentials,
    NexudusMalformedResponse,
    NexudusSignInError,
    NexudusTwoFactorRequired,
)
from .http import send
from .records import TokenSet

TOKEN_PATH = "/api/token"


def token_password_grant(
    *, username: str, password: str, client_id: str, totp: str | None = None, base_url: str | None = None
) -> TokenSet:
    """POST /api/token, form-encoded, grant_type=password, `client_id` header. Raises
    NexudusTwoFactorRequired, NexudusInvalidCredentials, NexudusSignInError, NexudusUnavailable, ..."""
    form = {"grant_type": "password", "username": username, "password": password}
    if totp:
        form["totp"] = totp
    return _grant(form, client_id=client_id, base_url=base_url, refreshing=False)


def token_refresh_grant(*, refresh_token: str, client_id: str, base_url: str | None = None) -> TokenSet:
    """POST /api/token, grant_type=refresh_token, same `client_id` header as at sign-in. The returned
    refresh token replaces the old one, which stops working. Raises NexudusSignInError when refused."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _grant(form, client_id=client_id, base_url=base_url, refreshing=True)


def _grant(form: Mapping[str, str], *, client_id: str, base_url: str | None, refreshing: bool) -> TokenSet:
    url = (base_url or settings.NEXUDUS_API_URL).rstrip("/") + TOKEN_PATH
    # A timeout after sending surfaces as NexudusWriteOutcomeUnknown (a NexudusUnavailable): for a
    # refresh that matters, since Nexudus may already have rotated the refresh token.
    response = send("POST", url, token=None, form=form, headers={"client_id": client_id})
    if response.status_code in (400, 401):
        raise _refusal(response, refreshing=refreshing)
    return _token_set(raise_for_response(response, role=None))


def _refusal(response: requests.Response, *, refreshing: bool) -> NexudusSignInError:
    """Documented: HTTP 400 `{"error": ..., "error_description": ...}`; any other shape still refuses."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, Mapping) else body
    code = code if isinstance(code, str) and len(code) < 100 else None
    description = body.get("error_description") if isinstance(body, Mapping) else None
    description = description if isinstance(description, str) and description else None
    status = response.status_code
    if code == "two_factor_auth_check":
        return NexudusTwoFactorRequired(status=status, code=code)
    if code == "invalid_grant" and not refreshing:
        return NexudusInvalidCredentials(status=status, code=code)
    if code == "invalid_grant":
        return NexudusSignInError(
            "Nexudus no longer accepts this session; please sign in again.", status=status, code=code
        )
    return NexudusSignInError(description, status=status, code=code)


def _token_set(data: object) -> TokenSet:
    if not isinstance(data, Mapping):
        raise NexudusMalformedResponse("The token answer is not an object.")
    access, refresh, expires_in = data.get("access_token"), data.get("refresh_token"), data.get("expires_in")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise NexudusMalformedResponse("The token answer lacks a token.")
    try:
        seconds = float(expires_in)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NexudusMalformedResponse("The token answer lacks a lifetime.") from None
    if isinstance(expires_in, bool) or not 0 <= seconds < 10 * 365 * 86400:
        raise NexudusMalformedResponse("The token answer has an impossible lifetime.")
    return TokenSet(
        access_token=access, refresh_token=refresh, expires_at=datetime.now(UTC) + timedelta(seconds=seconds)
    )
