"""The only way a view gets a Nexudus client: built per request, with the signed-in person's own tokens."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired

from .tokens import StoredTokenProvider


def nexudus_client(request: HttpRequest) -> NexudusClient:
    """A client acting as `request.user`. Never shared between requests or people, so one person's token
    can never serve another's request. An anonymous request has no Nexudus session at all."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NexudusAuthExpired()
    return NexudusClient(
        tokens=StoredTokenProvider(user),
        base_url=settings.NEXUDUS_API_URL,
        # Set by dashboard.core.request_id.RequestIdMiddleware; sent upstream so logs line up.
        request_id=getattr(request, "request_id", None),
    )
