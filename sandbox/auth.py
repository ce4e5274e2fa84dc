"""Authentication as documented: the token endpoint, bearer tokens, Basic auth, users and roles.

Tokens live in memory only (they survive `/_sandbox/reset`, which resets data, not sessions, so a
dashboard holding a token keeps working across test resets). Access tokens are opaque random
strings that start with "eyJ" like Nexudus's JWTs; refresh tokens rotate: a refresh for a user and
client_id invalidates every earlier refresh token of that pair but no access token.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from . import totp

ENTITY_NAMES = ("CoworkerInvoicePaymentToken", "CoworkerLedgerEntry", "CoworkerInvoice", "Coworker", "Business")
MFA_SECRET = "JBSWY3DPEHPK3PXP"
REFRESH_LIFETIME_S = 15 * 24 * 3600  # documented on the older token page


def _roles(entities: tuple[str, ...], actions: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{entity}-{action}" for entity in entities for action in actions)


@dataclass(frozen=True)
class User:
    email: str
    admin: bool = False
    roles: frozenset[str] = frozenset()
    totp_secret: str | None = None

    def may(self, entity: str, action: str) -> bool:
        return self.admin or f"{entity}-{action}" in self.roles


OPS_ROLES = _roles(ENTITY_NAMES[:2], ("List", "Read", "Create")) | _roles(ENTITY_NAMES[2:], ("List", "Read"))
# `--bench-users N` adds bench-1@sandbox.test ... bench-N@sandbox.test, each with the ops roles, so a load
# test can sign every virtual user in as a person of their own (per-person budgets, tokens, counters).
BENCH_EMAIL = "bench-{}@sandbox.test"

USERS = {
    user.email: user
    for user in (
        User("admin@sandbox.test", admin=True),
        User("ops@sandbox.test", roles=OPS_ROLES),
        User("agent@sandbox.test", roles=_roles(ENTITY_NAMES, ("List", "Read"))),
        User("noroles@sandbox.test"),
        User("mfa@sandbox.test", admin=True, totp_secret=MFA_SECRET),
    )
}


def bench_email(number: int) -> str:
    """The email of extra staff account `number` (1-based), as `--bench-users` creates them."""
    return BENCH_EMAIL.format(number)


def with_bench_users(count: int) -> dict[str, User]:
    """The demo users plus `count` extra staff accounts with the ops roles."""
    extra = {bench_email(n): User(bench_email(n), roles=OPS_ROLES) for n in range(1, count + 1)}
    return {**USERS, **extra}


@dataclass
class Identity:
    """Who made an API request, and the key its throttling and counters are kept under."""

    user: User
    key: str  # the access token, or "basic:<email>"
    token_prefix: str | None = None


@dataclass
class _Refresh:
    email: str
    client_id: str
    serial: int
    expires_at: float


@dataclass
class TokenStore:
    password: str = "sandbox"
    users: dict[str, User] = field(default_factory=lambda: dict(USERS))
    lock: threading.Lock = field(default_factory=threading.Lock)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (email, expires_at)
    refresh: dict[str, _Refresh] = field(default_factory=dict)
    # (email, client_id) -> serial of the newest refresh token issued by a refresh grant; anything
    # older for that pair no longer works.
    watermark: dict[tuple[str, str], int] = field(default_factory=dict)
    serial: int = 0

    # --- the token endpoint ------------------------------------------------------------------------

    def grant(
        self, form: dict[str, str], client_id: str | None, lifetime_s: int, signin_invalidates: bool = False
    ) -> tuple[int, dict]:
        """`signin_invalidates`: a password grant also invalidates the earlier refresh tokens of that
        user + client_id (the token-authentication reference; the observed profile)."""
        grant_type = form.get("grant_type", "")
        if grant_type == "password":
            return self._password_grant(form, client_id, lifetime_s, signin_invalidates)
        if grant_type == "refresh_token":
            return self._refresh_grant(form, client_id, lifetime_s)
        return _error("unsupported_grant_type", "The authorization grant type is not supported.")

    def _password_grant(
        self, form: dict[str, str], client_id: str | None, lifetime_s: int, invalidates: bool
    ) -> tuple[int, dict]:
        user = self.check_password(form.get("username", ""), form.get("password", ""))
        if user is None:
            return _error("invalid_grant", "The user name or password is incorrect.")
        if user.totp_secret:
            code = form.get("totp", "").strip()
            if not code:
                return _error(
                    "two_factor_auth_check", "Two-factor authentication is on: send the current code in the totp field."
                )
            # valid_window=1 accepts the previous and next 30 s step, for clock drift.
            if not totp.verify(user.totp_secret, code, window=1):
                return _error("invalid_grant", "The two-factor authentication code is incorrect.")
        client_id = client_id or user.email
        with self.lock:
            issued = self._issue_locked(user.email, client_id, lifetime_s)
            if invalidates:
                self.watermark[(user.email, client_id)] = self.serial
        return 200, issued

    def _refresh_grant(self, form: dict[str, str], client_id: str | None, lifetime_s: int) -> tuple[int, dict]:
        now = time.time()
        with self.lock:
            record = self.refresh.get(form.get("refresh_token", ""))
            if (
                record is None
                or record.expires_at < now
                or record.serial < self.watermark.get((record.email, record.client_id), 0)
            ):
                return _error("invalid_grant", "The refresh token is invalid, expired or already used.")
            if not client_id or client_id != record.client_id:
                return _error("invalid_grant", "The client_id header does not match the one used to sign in.")
            issued = self._issue_locked(record.email, record.client_id, lifetime_s)
            self.watermark[(record.email, record.client_id)] = self.serial
            self.refresh.pop(form.get("refresh_token", ""), None)
            return 200, issued

    def _issue(self, email: str, client_id: str, lifetime_s: int) -> dict:
        with self.lock:
            return self._issue_locked(email, client_id, lifetime_s)

    def _issue_locked(self, email: str, client_id: str, lifetime_s: int) -> dict:
        now = time.time()
        access = "eyJ" + secrets.token_urlsafe(48)
        refresh = secrets.token_urlsafe(24)
        self.serial += 1
        self.access[access] = (email, now + lifetime_s)
        self.refresh[refresh] = _Refresh(email, client_id, self.serial, now + REFRESH_LIFETIME_S)
        if len(self.access) > 50_000:  # benchmarks sign in a lot; drop what has expired
            self.access = {k: v for k, v in self.access.items() if v[1] > now}
        return {"access_token": access, "token_type": "bearer", "expires_in": lifetime_s, "refresh_token": refresh}

    def refresh_owner(self, refresh_token: str) -> str | None:
        record = self.refresh.get(refresh_token)
        return record.email if record else None

    # --- API requests ------------------------------------------------------------------------------

    def check_password(self, email: str, password: str) -> User | None:
        user = self.users.get(email.strip().lower())
        if user is None or not hmac.compare_digest(password.encode(), self.password.encode()):
            return None
        return user

    def authenticate(self, header: str | None) -> Identity | None:
        """The caller of an API request: a live bearer token, or Basic email:password (not for 2FA users,
        who cannot present a code that way)."""
        if not header:
            return None
        scheme, _, credentials = header.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer":
            entry = self.access.get(credentials)
            if entry is None or entry[1] < time.time():
                return None
            return Identity(self.users[entry[0]], credentials, credentials[:8])
        if scheme.lower() == "basic":
            try:
                email, _, password = base64.b64decode(credentials).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            user = self.check_password(email, password)
            if user is None or user.totp_secret:
                return None
            return Identity(user, f"basic:{user.email}")
        return None


def _error(code: str, description: str) -> tuple[int, dict]:
    return 400, {"error": code, "error_description": description}
