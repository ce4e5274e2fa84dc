"""Talking to the sandbox directly: its controls, and the same upstream requests the dashboard makes,
timed on one keep-alive connection (the floor the dashboard is compared against).

http.client rather than requests, so that every TCP connection the harness opens is counted here and
can be subtracted from the sandbox's "connections" counter, leaving the dashboard's own.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from .stats import LatencySummary, summarise


@dataclass(frozen=True)
class UpstreamCall:
    """One upstream request, as the dashboard would send it for a page."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None


class UpstreamProbe:
    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.connections_opened = 0
        self._conn: http.client.HTTPConnection | None = None
        self._token: str | None = None

    # --- transport ------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._conn.connect()
            self.connections_opened += 1
        return self._conn

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """One request on the kept-alive connection (reconnecting once if the server closed it)."""
        url = path + (f"?{urlencode(params)}" if params else "")
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, url, body=body, headers=dict(headers or {}))
                response = conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # --- controls -------------------------------------------------------------------------------

    def control(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> Any:
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self.request(
            method, f"/_sandbox/{path}", body=body, headers={"Content-Type": "application/json"} if body else None
        )
        if status != 200:
            raise RuntimeError(f"sandbox control {method} {path}: {status} {data[:200]!r}")
        return json.loads(data)

    def set_latency(self, latency_ms: int) -> None:
        self.control("POST", "config", {"latency_ms": latency_ms, "throttle": False})

    def counters(self) -> dict[str, Any]:
        return self.control("GET", "counters")

    # --- the API, as one Nexudus user --------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> None:
        form = urlencode({"grant_type": "password", "username": email, "password": password}).encode()
        status, data = self.request(
            "POST",
            "/api/token",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "client_id": "billing-desk-bench-probe"},
        )
        if status != 200:
            raise RuntimeError(f"sandbox token grant failed: {status} {data[:200]!r}")
        self._token = json.loads(data)["access_token"]

    def api(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        return self.request(method, path, params=params, body=body, headers=headers)

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        status, data = self.api("GET", path, params=params)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return json.loads(data)

    def time_calls(self, make_call: Callable[[], UpstreamCall], count: int) -> LatencySummary | None:
        """Time `count` sequential calls (after one untimed warm-up) on the kept-alive connection."""
        warm = make_call()
        self.api(warm.method, warm.path, params=warm.params, json_body=warm.body)
        latencies = []
        for _ in range(count):
            call = make_call()
            started = time.perf_counter()
            status, data = self.api(call.method, call.path, params=call.params, json_body=call.body)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                raise RuntimeError(f"direct upstream {call.method} {call.path}: {status} {data[:200]!r}")
        return summarise(latencies)
