"""Holding a password across the two steps of a 2FA sign-in without storing it anywhere.

Nexudus wants email, password and code in one token request, but the code is asked for on a second
page. The password is split between two places that are each useless alone:

- the session (server side, in the database or cache) keeps the email and a random Fernet key made
  for this one sign-in;
- the 2FA form carries the password encrypted with that key (a hidden field, not the password).

A leaked session row reveals no password, nor does a captured page. Fernet's timestamp enforces the
5-minute lifetime on decryption, and the key is deleted after a successful sign-in, a refused password
or expiry, so the ciphertext in the page becomes garbage. The password is never written to the
database, the cache or a log in any form that can be read back later.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "accounts.pending_signin"
PENDING_TTL_SECONDS = 300


@dataclass(frozen=True)
class PendingSignIn:
    email: str
    password: str


def pending_begin(*, session: SessionBase, email: str, password: str) -> str:
    """Start a 2FA round trip; returns the ciphertext to put in the form."""
    key = Fernet.generate_key()
    session[SESSION_KEY] = {"email": email, "key": key.decode("ascii")}
    return Fernet(key).encrypt(password.encode()).decode("ascii")


def pending_email(session: SessionBase) -> str | None:
    entry = session.get(SESSION_KEY)
    return entry.get("email") if isinstance(entry, dict) else None


def pending_resume(*, session: SessionBase, ciphertext: str) -> PendingSignIn | None:
    """The email and password of the pending sign-in, or None when it is missing, tampered or expired
    (the entry is then dropped and the person starts again)."""
    entry = session.get(SESSION_KEY)
    if not isinstance(entry, dict) or not ciphertext:
        return None
    try:
        password = Fernet(entry["key"].encode("ascii")).decrypt(ciphertext.encode("ascii"), ttl=PENDING_TTL_SECONDS)
    except (InvalidToken, KeyError, ValueError, UnicodeError):
        pending_end(session)
        return None
    return PendingSignIn(email=entry["email"], password=password.decode())


def pending_end(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
