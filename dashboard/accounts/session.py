"""The only way a view gets a Nexudus client: built per request, with the signed-in person's own tokens."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from dashboard.audit.client import AuditedClient
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusRateLimited
from dashboard.runtime.upstream_budget import UpstreamBudgetExhausted, wait_for_turn

from .tokens import StoredTokenProvider


def nexudus_client(request: HttpRequest) -> NexudusClient:
    """A client acting as `request.user`. Never shared between requests or people, so one person's token
    can never serve another's request. An anonymous request has no Nexudus session at all."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NexudusAuthExpired()
    client = NexudusClient(
        tokens=StoredTokenProvider(user),
        base_url=settings.NEXUDUS_API_URL,
        # Set by dashboard.runtime.request_id.RequestIdMiddleware; sent upstream so logs line up.
        request_id=getattr(request, "request_id", None),
        pace=_shared_budget(f"user:{user.pk}"),
    )
    # Every write through the dashboard lands in the audit trail, whatever view made it.
    return AuditedClient(client, user, getattr(request, "request_id", None))


def _shared_budget(user_key: str) -> Callable[[str], None]:
    """Waits for the person's turn in the request budget all instances share (Redis in production), so
    several instances together never spend more than Nexudus allows one person."""

    def pace(kind: str) -> None:
        try:
            wait_for_turn(user_key, kind, max_wait=float(settings.NEXUDUS_RETRY_BUDGET))  # type: ignore[arg-type]
        except UpstreamBudgetExhausted as exhausted:
            raise NexudusRateLimited(retry_after=exhausted.retry_after) from None

    return pace
