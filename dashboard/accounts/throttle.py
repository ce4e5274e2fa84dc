"""Sign-in throttling per account and per client address, in Django's cache (shared when it is Redis).

Attempts are counted *before* Nexudus is asked, with an atomic increment, so a burst of parallel guesses
cannot slip through between a check and a count. An accepted password gives its address unit back (an
office behind one address is not locked out by its own colleagues signing in) and clears the account's
counter; failures stay counted until the window ends.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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

    def succeeded(self) -> None:
        cache.delete(self.account_key)

    @staticmethod
    def retry_after() -> int:
        return settings.SIGNIN_WINDOW_SECONDS
