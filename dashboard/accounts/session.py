"""The only way a view gets a Nexudus client: built per request, with the signed-in person's own tokens."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from dashboard.audit.client import AuditedClient
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusRateLimited
from dashboard.runtime.upstream_budget import UpstreamBudgetExhausted, wait_for_turn

from .models import NexudusAccount
from .tokens import StoredTokenProvider


def nexudus_client(request: HttpRequest) -> NexudusClient:
    """A client acting as `request.user`. Never shared between requests or people, so one person's token
    can never serve another's request. An anonymous request has no Nexudus session at all."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NexudusAuthExpired()
    # The account row was read with the user (accounts.backends): its tokens need no query of their own.
    account = getattr(user, "nexudus_account", None)
    # Set by dashboard.runtime.request_id.RequestIdMiddleware; sent upstream so logs line up.
    return nexudus_client_for_user(user, request_id=getattr(request, "request_id", None), account=account)


def nexudus_client_for_user(
    user, *, request_id: str | None = None, max_wait: float | None = None, account: NexudusAccount | None = None
) -> NexudusClient:
    """A client acting as `user` with their own stored tokens, for work outside a request (the statement
    import worker). `max_wait`: how long a call may wait for the person's budget (default: a request's).
    `account`: the person's row as already read in this request (else the tokens are read when needed)."""
    client = NexudusClient(
        tokens=StoredTokenProvider(user, account),
        base_url=settings.NEXUDUS_API_URL,
        request_id=request_id,
        pace=_shared_budget(f"user:{user.pk}", max_wait),
    )
    # Every write through the dashboard lands in the audit trail, whatever view made it.
    return AuditedClient(client, user, request_id)


def _shared_budget(user_key: str, max_wait: float | None = None) -> Callable[[str], None]:
    """Waits for the person's turn in the request budget all instances share (Redis in production), so
    several instances together never spend more than Nexudus allows one person."""
    wait = float(settings.NEXUDUS_RETRY_BUDGET) if max_wait is None else max_wait

    def pace(kind: str) -> None:
        try:
            wait_for_turn(user_key, kind, max_wait=wait)  # type: ignore[arg-type]
        except UpstreamBudgetExhausted as exhausted:
            raise NexudusRateLimited(retry_after=exhausted.retry_after) from None

    return pace
