"""The sandbox itself: shared state and the pipeline every /api/ request goes through.

Pipeline: added latency -> injected fault -> count -> token endpoint or authentication ->
throttling -> resource. A faulted or throttled request is still counted, as the brief requires.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from . import controls
from .auth import Identity, TokenStore, with_bench_users
from .config import Config
from .counters import Counters, endpoint_key
from .db import Database
from .faults import Fault, Faults
from .messages import Request, Response, json_response
from .resources import NOT_FOUND, handle, resolve
from .seed import seed_database
from .throttle import Throttle

HTML_ERROR = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    b"<h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p>"
    b"<hr><address>CloudFront</address></body></html>"
)


OOOPS = {
    "Status": 500,
    "Message": "Ooops! There was a problem while running this action. Please try again.",
    "Value": None,
    "Errors": None,
}


@dataclass
class Seeding:
    seed: int
    scale: str


class Sandbox:
    def __init__(
        self, db: Database, defaults: Config, seeding: Seeding, password: str = "sandbox", bench_users: int = 0
    ) -> None:
        self.db = db
        self.defaults = defaults
        self.config = defaults
        self.seeding = seeding
        self.tokens = TokenStore(password=password, users=with_bench_users(bench_users))
        self.faults = Faults()
        self.counters = Counters()
        self.throttle = Throttle()
        self.reset_lock = threading.Lock()
        # Bumped by every reset: a request still sleeping (latency, a "timeout" fault) when the sandbox is
        # reset belongs to the data before it, so it is dropped instead of writing into the fresh seed
        # (a test's slow write would otherwise land in the next test's data).
        self.generation = 0

    def reset(self) -> None:
        """Seed data, default config, no faults, zero counters, empty throttle windows."""
        with self.reset_lock:
            self.db.restore(lambda: seed_database(self.db, self.seeding.seed, self.seeding.scale))
            self.config = self.defaults
            self.faults.clear()
            self.counters.reset()
            self.throttle.reset()
            self.generation += 1

    # --- the request pipeline ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return controls.handle(self, request)
        if not request.path.startswith("/api/"):
            return json_response(404, NOT_FOUND)
        config, generation = self.config, self.generation
        if config.latency_ms:
            time.sleep(config.latency_ms / 1000)
        fault = self.faults.take(request.method, request.path)
        identity = self._count(request)
        if fault is not None:
            response = self._fault(fault)
            if response is not None:
                return response
        if generation != self.generation:  # reset while this request slept: it belongs to the old data
            return Response(0, drop=True)
        if request.path.rstrip("/") == "/api/token":
            return self._token(request, config)
        if identity is None:
            return json_response(
                401,
                {"Message": "Authorization has been denied for this request."},
                [("WWW-Authenticate", 'Bearer realm="nexudus"')],
            )
        target = resolve(request.path, request.method, request.query)
        if target is None:
            return json_response(404, NOT_FOUND)
        if config.throttle:
            wait = self.throttle.check(identity.key, request.method != "GET", config)
            if wait is not None:
                return self._throttled(wait, config)
        return handle(self.db, request, identity, target, config)

    def _count(self, request: Request) -> Identity | None:
        identity = self.tokens.authenticate(request.headers.get("authorization"))
        grant = user = None
        if request.path.rstrip("/") == "/api/token" and request.method == "POST":
            form = request.form() if "json" not in request.headers.get("content-type", "") else {}
            grant = form.get("grant_type") or None
            user = (
                (form.get("username", "").lower() or None)
                if grant == "password"
                else (self.tokens.refresh_owner(form.get("refresh_token", "")))
            )
        elif identity is not None:
            user = identity.user.email
        self.counters.record(
            endpoint_key(request.method, request.path, request.query),
            identity.token_prefix if identity else None,
            user,
            grant,
        )
        return identity

    def _token(self, request: Request, config: Config) -> Response:
        if request.method != "POST":
            return json_response(
                405, {"Message": f"The requested resource does not support http method '{request.method}'."}
            )
        content_type = request.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" not in content_type:
            return json_response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "The body must be form-encoded (application/x-www-form-urlencoded).",
                },
            )
        status, payload = self.tokens.grant(
            request.form(),
            request.headers.get("client_id"),
            config.token_lifetime_s,
            signin_invalidates=config.observed,
        )
        return json_response(status, payload, [("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    def _fault(self, fault: Fault) -> Response | None:
        """The response a fault imposes, or None to carry on (a timeout only delays)."""
        if fault.kind == "timeout":
            time.sleep(fault.delay_ms / 1000)
            return None
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        if fault.kind == "drop":
            return Response(0, drop=True)
        if fault.kind == "malformed":
            return Response(200, b'{"Records": [{"Id": 1, "Token": "tok_', headers=headers)
        if fault.kind == "html":
            return Response(fault.status or 502, HTML_ERROR, "text/html; charset=utf-8", headers)
        if fault.kind == "ooops":
            # Seen live as a 400 and as a 500, sometimes transient (mattynexudus/fauxworking).
            return json_response(fault.status or 500, dict(OOOPS, WasSuccessful=False), headers)
        if fault.kind == "unsuccessful":
            return json_response(
                fault.status or 200,
                {
                    "Status": 200,
                    "Message": "Ooops! There was a problem while running this action. Please try again.",
                    "Value": None,
                    "OpenInDialog": False,
                    "OpenInWindow": False,
                    "RedirectURL": None,
                    "JavaScript": None,
                    "UpdatedOn": None,
                    "UpdatedBy": None,
                    "Errors": None,
                    "WasSuccessful": False,
                },
                headers,
            )
        status = fault.status or 500
        return json_response(status, {"Message": "An error has occurred."}, headers)

    def _throttled(self, wait: int, config: Config) -> Response:
        headers = [("Retry-After", str(wait))]
        if config.throttle_status == 409:
            # The legacy documented form: 409, this reason phrase, an empty body.
            return Response(409, b"", None, headers, reason="You must wait before accessing this url again.")
        return Response(429, f"Wait {wait} seconds".encode(), "text/plain; charset=utf-8", headers)
