"""Request counters, so a test can assert how many upstream calls a page made.

Only /api/ requests count, including throttled and faulted ones. Endpoints are keyed by method
and path template: `GET /api/billing/coworkerledgerentries/{id}`, batch reads as `...?id=[]`.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

_NUMERIC = re.compile(r"/\d+(?=/|$)")


def endpoint_key(method: str, path: str, query: dict[str, str]) -> str:
    template = _NUMERIC.sub("/{id}", path.rstrip("/") or "/")
    if method == "GET" and "id" in query and template == path.rstrip("/"):
        template += "?id=[]"
    return f"{method} {template}"


class Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._zero()

    def reset(self) -> None:
        with self.lock:
            self._zero()

    def _zero(self) -> None:
        self.total = 0
        self.by_endpoint: Counter[str] = Counter()
        self.by_token: Counter[str] = Counter()
        self.by_user: Counter[str] = Counter()
        self.grants: Counter[str] = Counter()
        self.connections = 0

    def connection(self) -> None:
        with self.lock:
            self.connections += 1

    def record(self, endpoint: str, token_prefix: str | None, user: str | None, grant: str | None) -> None:
        with self.lock:
            self.total += 1
            self.by_endpoint[endpoint] += 1
            if token_prefix:
                self.by_token[token_prefix] += 1
            if user:
                self.by_user[user] += 1
            if grant:
                self.grants[grant] += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "total": self.total,
                "by_endpoint": dict(self.by_endpoint),
                "by_token": dict(self.by_token),
                "by_user": dict(self.by_user),
                "grants": {
                    "password": self.grants["password"],
                    "refresh_token": self.grants["refresh_token"],
                    **self.grants,
                },
                "connections": self.connections,
            }
