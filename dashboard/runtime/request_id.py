"""A request id on every request, echoed to the caller, sent upstream, and one JSON log line per request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from dashboard.runtime.logging import current_request_id

REQUEST_ID_HEADER = "X-Request-Id"
# Incoming ids are echoed into our logs and sent to Nexudus, so only a short, inert alphabet is trusted:
# no spaces, quotes or control characters that could forge a log line or a header.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Query-string names are logged (they say which filter was used); values never are, as they may carry
# a customer's name or other search text. Caps keep a hostile URL from bloating the log.
_MAX_QUERY_NAMES = 20
_MAX_QUERY_NAME_LENGTH = 40

request_logger = logging.getLogger("dashboard.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(value: str | None) -> str | None:
    """`value` when it is a safe id to adopt, else None (the caller then makes a fresh one)."""
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    """Give each request an id and log it once, as JSON-ready fields, when the response is ready.

    Must be first in MIDDLEWARE so that the id exists for everything after it and the logged duration
    covers the whole stack. A safe `X-Request-Id` from the proxy is kept, so our lines join theirs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = safe_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        context_token = current_request_id.set(request_id)
        try:
            try:
                response = self.get_response(request)
            except Exception:
                # Only when even the 500 page failed: the server answers 500, and the line must exist.
                self._log(request, None, started)
                raise
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response, started)
            return response
        finally:
            current_request_id.reset(context_token)

    def _log(self, request: HttpRequest, response: HttpResponse | None, started: float) -> None:
        status = response.status_code if response is not None else 500
        fields = {
            "request_id": request.request_id,  # type: ignore[attr-defined]
            "method": request.method,
            "path": request.path,
            "query": query_names(request),
            "status": status,
            # For streamed responses (CSV export) this is the time to the first byte, not the last.
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        }
        if response is not None and response.streaming:
            fields["streaming"] = True
        level = logging.WARNING if status >= 500 else logging.INFO
        request_logger.log(
            level, "%s %s %s %.0fms", request.method, request.path, status, fields["duration_ms"], extra=fields
        )


def query_names(request: HttpRequest) -> list[str]:
    """The distinct query-string parameter names, sorted; never their values."""
    try:
        names = sorted({name[:_MAX_QUERY_NAME_LENGTH] for name in request.GET})
    except SuspiciousOperation:  # too many fields: Django answered 400, and the line must still be written
        return []
    return names[:_MAX_QUERY_NAMES]


def _user_id(request: HttpRequest) -> int | str | None:
    """The signed-in user's primary key (never the email), or None.

    A user object nobody looked at during the request is left alone: resolving it would cost a session
    and a user query just to write a log line (static files and /healthz never look).
    """
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    pk: int | str | None = user.pk
    return pk
