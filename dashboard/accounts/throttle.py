"""Sign-in throttling per account and per client address, in Django's cache (shared when it is Redis).

Attempts are counted *before* Nexudus is asked, with an atomic increment, so a burst of parallel guesses
cannot slip through between a check and a count. An accepted password gives its address unit back (an
office behind one address is not locked out by its own colleagues signing in) and clears the account's
counter; an attempt Nexudus never judged (unreachable, throttling us, an unreadable answer) gives both
units back, so an outage locks nobody out; wrong passwords and codes stay counted until the window ends.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from dashboard.nexudus.errors import NexudusSignInError


def _prefix() -> str:
    # Overridable so that each test gets budgets of its own without flushing a shared cache.
    return getattr(settings, "SIGNIN_THROTTLE_KEY_PREFIX", "signin-throttle")


def _count(key: str) -> int:
    window = settings.SIGNIN_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)  # starts a fixed window; a no-op while one is running
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


class SignInThrottle:
    """The attempt budget of one email from one address."""

    def __init__(self, request: HttpRequest, email: str) -> None:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        self.account_key = f"{_prefix()}:account:{digest}"
        # REMOTE_ADDR only: a forwarded header can be forged unless a trusted proxy rewrites it.
        self.address_key = f"{_prefix()}:address:{request.META.get('REMOTE_ADDR', 'unknown')}"

    def attempt(self) -> bool:
        """Count one attempt; False when the account or the address is over its limit (do not sign in)."""
        account_attempts = _count(self.account_key)
        address_attempts = _count(self.address_key)
        return (
            account_attempts <= settings.SIGNIN_MAX_ATTEMPTS
            and address_attempts <= settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS
        )

    def password_accepted(self) -> None:
        """Nexudus accepted the password (signed in, or asked for the 2FA code)."""
        with contextlib.suppress(ValueError):
            cache.decr(self.address_key)

    def forget_unjudged(self, error: Exception) -> None:
        """Give back the units of an attempt whose credentials Nexudus did not judge (see `judged`)."""
        if judged(error):
            return
        for key in (self.account_key, self.address_key):
            with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing left to give back
                cache.decr(key)

    def succeeded(self) -> None:
        cache.delete(self.account_key)

    @staticmethod
    def retry_after() -> int:
        return settings.SIGNIN_WINDOW_SECONDS


def judged(error: Exception) -> bool:
    """Did Nexudus look at the credentials? Only a refusal in OAuth words (`invalid_grant`, a 2FA or
    reset-password code...) says so. Unreachable, rate limited, a 5xx, an unreadable answer, or an account
    switched off here (Nexudus never asked) are not judgements and must not count toward the limit."""
    return isinstance(error, NexudusSignInError) and error.code is not None
