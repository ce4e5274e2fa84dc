"""The signed-in person's Nexudus tokens for the client: refreshed once, however many requests ask at once.

Nexudus rotates the refresh token on every refresh, so two parallel refreshes would leave one request
holding a dead refresh token and sign the person out. Every refresh therefore happens inside a short
transaction that first locks the person's row (a row lock on PostgreSQL; on SQLite the IMMEDIATE
transaction mode takes the write lock up front), then re-reads it: whoever waited behind the lock finds
the work already done and uses the stored token. This works across threads, processes and instances.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction
from django.utils import timezone

from dashboard.nexudus.auth import token_refresh_grant
from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusMalformedResponse,
    NexudusSignInError,
    NexudusUnavailable,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.records import TokenSet

from .models import NexudusAccount

logger = logging.getLogger(__name__)


class StoredTokenProvider:
    """`TokenProvider` over the encrypted tokens stored for one user (and only that user).

    Made per request (`accounts.session.nexudus_client`). It takes the stored tokens from the account row
    the request read with the user (or reads them once), and keeps them for the request (`_memo`): a page
    making three upstream calls, side by side on the fan-out pool threads, decrypts once, and those
    threads never open database connections of their own.
    Every refresh still happens under the row lock and re-reads the row there (`_refresh_once`); its
    outcome replaces the memo. Nothing is kept between requests, so a sign-out or a refresh by another
    process is seen by the next request.
    """

    def __init__(self, user: AbstractBaseUser, account: NexudusAccount | None = None) -> None:
        self.user_id = user.pk
        # The person's row as this request already read it (with the user, accounts.backends), so the
        # tokens cost no query of their own; without it, `_read` reads them.
        self._account = account if account is not None and account.user_id == user.pk else None
        self._memo: TokenSet | None = None
        self._memo_lock = threading.Lock()

    def access_token(self) -> str:
        """The stored token, refreshed first when it expires within NEXUDUS_REFRESH_MARGIN seconds."""
        tokens = self._stored()
        if self._fresh_enough(tokens):
            return tokens.access_token
        # Someone else's refresh while we waited for the lock counts, even if Nexudus's lifetime is
        # shorter than our margin: one refresh per stale token, never one per waiting request.
        return self._refresh_once(
            still_usable=lambda stored: stored.access_token != tokens.access_token or self._fresh_enough(stored)
        )

    def refresh(self, rejected_token: str) -> str:
        """After a 401 on `rejected_token`: a newer stored token if another request already refreshed,
        otherwise a refreshed one. Raises NexudusAuthExpired when Nexudus refuses the refresh."""
        return self._refresh_once(still_usable=lambda stored: stored.access_token != rejected_token)

    # -- internals --------------------------------------------------------------------------------

    @staticmethod
    def _fresh_enough(tokens: TokenSet) -> bool:
        margin = timedelta(seconds=settings.NEXUDUS_REFRESH_MARGIN)
        return tokens.expires_at - margin > timezone.now()

    def _stored(self) -> TokenSet:
        """The tokens as stored, read once per provider (the first caller reads; concurrent callers of the
        same request wait for that read instead of making their own)."""
        tokens = self._memo
        if tokens is None:
            with self._memo_lock:
                tokens = self._memo
                if tokens is None:
                    tokens = self._memo = self._read()
        return tokens

    def _remember(self, tokens: TokenSet | None) -> None:
        self._memo = tokens

    def _read(self) -> TokenSet:
        """The stored tokens, decrypted by the model itself. A raw query (`Manager.raw`: the model's own
        field converters, no query compilation): building an ORM query cost ~4x the read on this hot path
        (one read per page; see bench/README.md)."""
        account = self._account
        if account is None:
            rows = NexudusAccount.objects.raw(_tokens_sql(connection.vendor), [self.user_id])
            account = next(iter(rows), None)
        tokens = account.token_set() if account is not None else None
        if tokens is None:
            raise NexudusAuthExpired()
        return tokens

    def _refresh_once(self, *, still_usable: Callable[[TokenSet], bool]) -> str:
        """Refresh under the row lock unless, once the lock is ours, the stored token is `still_usable`.

        `durable=True`: this must be its own short transaction, never a savepoint inside a caller's,
        or the lock would be held across whatever else that caller does.
        """
        with transaction.atomic(durable=True):
            account = NexudusAccount.objects.select_for_update().filter(user_id=self.user_id).first()
            stored = account.token_set() if account else None
            if account is None or stored is None:
                self._remember(None)
                raise NexudusAuthExpired()
            if still_usable(stored):
                self._remember(stored)
                return stored.access_token
            try:
                fresh = token_refresh_grant(
                    refresh_token=stored.refresh_token,
                    client_id=account.client_id,
                    base_url=settings.NEXUDUS_API_URL,
                )
            except (NexudusWriteOutcomeUnknown, NexudusValidationError, NexudusMalformedResponse) as error:
                # Not a record write and not a refusal: no answer (or none we can read) to the refresh. Say
                # "unavailable", never "we don't know whether this was saved" on a page that saved nothing.
                # Nothing is stored; if Nexudus did rotate the token, the next refresh is refused and the
                # person signs in again.
                logger.warning(
                    "The token refresh of user %s got no usable answer: %s", self.user_id, type(error).__name__
                )
                raise NexudusUnavailable("Nexudus did not answer the session refresh.") from None
            except NexudusSignInError:
                # The refresh token is dead: forget it (committed with this transaction) and end the session.
                logger.info("Nexudus refused the token refresh of user %s; session ended", self.user_id)
                account.clear_tokens()
                account.save(update_fields=["access_token", "refresh_token", "expires_at", "updated_at"])
                refused = True
            else:
                account.store_tokens(fresh)
                account.save(update_fields=["access_token", "refresh_token", "expires_at", "updated_at"])
                refused = False
        if self._account is not None:  # the request's other clients start from what is stored now
            self._account.access_token, self._account.refresh_token = account.access_token, account.refresh_token
            self._account.expires_at = account.expires_at
        if refused:
            self._remember(None)
            raise NexudusAuthExpired()
        self._remember(fresh)
        logger.info("Refreshed the Nexudus token of user %s", self.user_id)
        return fresh.access_token


@functools.cache
def _tokens_sql(vendor: str) -> str:
    """One indexed SELECT of the row's id and three token columns (per database vendor's quoting)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in ("id", "access_token", "refresh_token", "expires_at"))
    return f"SELECT {columns} FROM {quote(NexudusAccount._meta.db_table)} WHERE {quote(_column('user'))} = %s"


def _column(name: str) -> str:
    field = NexudusAccount._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)
