"""The `/api/token` grants (password with optional TOTP, and refresh). INTERFACE CONTRACT: in progress."""

from __future__ import annotations

from .records import TokenSet


def token_password_grant(*, username: str, password: str, client_id: str, totp: str | None = None,
                         base_url: str | None = None) -> TokenSet:
    """POST /api/token, form-encoded, grant_type=password, `client_id` header. Raises
    NexudusTwoFactorRequired, NexudusInvalidCredentials, NexudusSignInError, NexudusUnavailable, ..."""
    raise NotImplementedError


def token_refresh_grant(*, refresh_token: str, client_id: str, base_url: str | None = None) -> TokenSet:
    """POST /api/token, grant_type=refresh_token, same `client_id` header as at sign-in. The returned
    refresh token replaces the old one, which stops working. Raises NexudusSignInError when refused."""
    raise NotImplementedError
