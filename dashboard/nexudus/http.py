"""The HTTP transport to Nexudus: one pooled session, the GET retry policy, the call log line.

Nothing here knows about entities: client.py and auth.py build URLs and bodies and call `send()`;
answers.py turns what comes back into data or one NexudusError. Transport failures (no answer at all)
become NexudusUnavailable / NexudusWriteOutcomeUnknown here, so `requests` exceptions never escape.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    InvalidHeader,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from .errors import NexudusUnavailable, NexudusWriteOutcomeUnknown

logger = logging.getLogger("dashboard.nexudus")

RETRY_STATUSES = frozenset({409, 429, 502, 503, 504})  # 409 is Nexudus's legacy "throttled"
_sleep = time.sleep  # tests replace this to observe waits without waiting
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._:@/+=-]")


# --- retry policy -------------------------------------------------------------------------------


class BudgetedRetry(Retry):
    """urllib3's Retry for GETs only, bounded by NEXUDUS_RETRY_BUDGET seconds per call.

    The budget covers the waits and the retried attempts, counted from the first failure. A wait that
    would overrun it (typically a long Retry-After) ends the retries at once: the last answer comes
    back and is mapped to NexudusRateLimited / NexudusServerError, so nobody is left hanging.
    """

    def __init__(self, *args: Any, budget: float | None = None, started: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget  # None: read settings at call time, so tests and env can change it
        self.started = started
        self.next_wait = 0.0

    def new(self, **kw: Any) -> BudgetedRetry:
        kw.setdefault("budget", self.budget)
        kw.setdefault("started", self.started)
        return super().new(**kw)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> BudgetedRetry:
        if error is not None and isinstance(error, ReadTimeoutError):
            # A read timeout has already cost a full read timeout; a second one would double it.
            raise error.with_traceback(_stacktrace)
        if error is not None and not self._is_method_retryable(method or ""):
            # Never resend a write, not even after a refused connection: the caller decides.
            raise MaxRetryError(_pool, url, error) from error
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        now = time.monotonic()
        started = self.started if self.started is not None else now
        wait = self._wait_for(new, response)
        budget = self.budget if self.budget is not None else float(settings.NEXUDUS_RETRY_BUDGET)
        if budget <= 0 or (now - started) + wait > budget:
            raise MaxRetryError(_pool, url, error or ResponseError("retry budget spent"))
        new.started = started
        new.next_wait = wait
        return new

    def _wait_for(self, new: Retry, response: Any) -> float:
        if response is not None and self.respect_retry_after_header:
            try:
                retry_after = self.get_retry_after(response)
            except InvalidHeader:
                retry_after = None
            if retry_after is not None:
                return retry_after
        return new.get_backoff_time()

    def sleep(self, response: Any = None) -> None:
        if self.next_wait > 0:
            _sleep(self.next_wait)


def _new_retry() -> BudgetedRetry:
    return BudgetedRetry(
        total=3,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.25,
        raise_on_status=False,  # hand the last 429/503 back so it maps to the right exception
        respect_retry_after_header=True,
    )


# --- the shared session ---------------------------------------------------------------------------


class _RedactQuery(logging.Filter):
    """urllib3 logs retried URLs with their query, which may carry a payment token filter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.split("?", 1)[0] if isinstance(a, str) else a for a in record.args)
        return True


class BearerAuth(requests.auth.AuthBase):
    """Passing auth explicitly also stops requests from taking credentials out of a ~/.netrc."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._token:
            request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


_session: requests.Session | None = None
_session_lock = threading.Lock()


def shared_session() -> requests.Session:
    """One keep-alive pool for the whole process, created on first use."""
    global _session
    if _session is None:
        with _session_lock:
            if _session is None:
                _session = _build_session()
    return _session


def _build_session() -> requests.Session:
    session = requests.Session()
    # At most NEXUDUS_POOL_SIZE connections per process, and (pool_block) a call finding them all busy
    # waits for one rather than opening a connection that would be closed again after one use. No caller
    # holds a connection while waiting for another thread's call, so waiting cannot deadlock. See
    # settings.NEXUDUS_POOL_SIZE for the sizing.
    pool_size = int(settings.NEXUDUS_POOL_SIZE)
    adapter = HTTPAdapter(
        pool_connections=4,
        pool_maxsize=pool_size,
        pool_block=bool(getattr(settings, "NEXUDUS_POOL_BLOCK", True)),
        max_retries=_new_retry(),
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # The session is shared by every signed-in person: a cookie set for one must never go out for another.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"Accept": "application/json", "User-Agent": "billing-desk"})
    # Performance (issue 20): with trust_env, requests reads the proxy and CA-bundle variables again (a
    # walk over os.environ) and ~/.netrc on every call. They are read once here instead, for the one host
    # this session talks to, with requests' own rules (no_proxy included). A ~/.netrc entry can no longer
    # replace a person's bearer token either.
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(settings.NEXUDUS_API_URL))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logging.getLogger(name).addFilter(_RedactQuery())
    return session


# --- sending ------------------------------------------------------------------------------------


def dumps_exact(value: object) -> str:
    """JSON where a Decimal is written as the number it is (120.00 stays 120.00, never a float)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Cannot send {value} as an amount.")
        return format(value, "f")
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps_exact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    return json.dumps(value)


def send(
    method: str,
    url: str,
    *,
    token: str | None,
    params: Mapping[str, str] | None = None,
    json_body: Mapping[str, object] | None = None,
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
) -> requests.Response:
    """One upstream call (GET retries included) and its log line; transport failures become ours."""
    all_headers = dict(headers or {})
    # The id arrives from a client header; it goes into a header and a log line, so only safe characters.
    request_id = _UNSAFE_ID.sub("", request_id or "")[:128] or None
    if request_id:
        all_headers["X-Request-Id"] = request_id
    data: bytes | Mapping[str, str] | None = form
    if json_body is not None:
        data = dumps_exact(json_body).encode()
        all_headers["Content-Type"] = "application/json"
    started = time.monotonic()
    outcome = "failed"
    try:
        session = shared_session()
        # Performance (issue 20): a request prepared on its own and sent through the session's adapters and
        # settings (proxies, verify: Session.send), not Session.request, which would also merge the session's
        # cookie jar (it holds none: the policy above refuses them), auth, params and hooks (it has none)
        # into a fresh jar per call: ~0.17 ms of CPU per call.
        prepared = requests.Request(
            method,
            url,
            params=params,
            data=data,
            headers={**session.headers, **all_headers},
            auth=BearerAuth(token),
        ).prepare()
        response = session.send(
            prepared,
            timeout=(float(settings.NEXUDUS_CONNECT_TIMEOUT), float(settings.NEXUDUS_READ_TIMEOUT)),
            allow_redirects=False,  # an API never redirects; following could leak the token elsewhere
        )
        outcome = str(response.status_code)
        return response
    except (requests.RequestException, HTTPError) as exc:
        outcome = f"failed ({type(exc).__name__})"
        # `from None`: the chained urllib3 message repeats the URL, query (and token filter) included.
        raise _transport_error(exc, method) from None
    finally:
        logger.info(
            "nexudus %s %s params=%s status=%s duration_ms=%d request_id=%s",
            method,
            urlsplit(url).path,
            ",".join(params or ()) or "-",
            outcome,
            (time.monotonic() - started) * 1000,
            request_id or "-",
        )


_NOTHING_SENT = (
    NewConnectionError,
    ConnectTimeoutError,
    requests.ConnectTimeout,
    requests.exceptions.SSLError,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.ProxyError,
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        # Only explicit links: an implicit __context__ from some earlier failure must never make a write
        # that may have been sent look as if it never left.
        linked = [*current.args, getattr(current, "reason", None), current.__cause__]
        stack.extend(e for e in linked if isinstance(e, BaseException))


def _transport_error(exc: BaseException, method: str) -> NexudusUnavailable:
    nothing_sent = any(isinstance(cause, _NOTHING_SENT) for cause in _causes(exc))
    if method.upper() != "GET" and not nothing_sent:
        # The write may have been processed; resending could duplicate it, so the person must check.
        return NexudusWriteOutcomeUnknown()
    if any(_is_timeout(cause) for cause in _causes(exc)):
        return NexudusUnavailable("Nexudus did not answer in time.")
    return NexudusUnavailable()


def _is_timeout(exc: BaseException) -> bool:
    # urllib3 files a refused connection under ConnectTimeoutError too; that is not a timeout.
    if isinstance(exc, NewConnectionError):
        return False
    return isinstance(exc, requests.Timeout | ReadTimeoutError | ConnectTimeoutError)
