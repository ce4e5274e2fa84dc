"""Faults injected into the next N matching API requests, for testing how the dashboard copes.

Kinds: "status" (any status code, optional Retry-After), "timeout" (sleep `delay_ms` before
answering normally, default 30 s: past any sensible client timeout), "malformed" (200 with broken
JSON), "html" (502 with an HTML error page, as a proxy in front of the API would send), "drop"
(close the connection without answering) and "unsuccessful" (HTTP 200 carrying a failed write
envelope, `WasSuccessful: false`; with `method: DELETE` it is the live DELETE that answers 200 but
deleted nothing) and "ooops" (Nexudus's generic "Ooops! There was a problem..." body, default 500;
seen live as 400 too).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("status", "timeout", "malformed", "html", "drop", "unsuccessful", "ooops")


@dataclass
class Fault:
    kind: str
    count: int
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int = 30000
    path: str | None = None
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        return not self.path or path.startswith(self.path)


def parse_fault(payload: Any) -> tuple[Fault | None, str | None]:
    if not isinstance(payload, dict):
        return None, "The body must be a JSON object."
    kind = payload.get("kind")
    if kind not in KINDS:
        return None, f"kind must be one of {', '.join(KINDS)}"
    count = payload.get("count", 1)
    status = payload.get("status")
    retry_after = payload.get("retry_after")
    delay_ms = payload.get("delay_ms", 30000)
    for name, value in (("count", count), ("delay_ms", delay_ms)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None, f"{name} must be a whole number >= 0"
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        return None, "status must be an HTTP status code"
    if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, int)):
        return None, "retry_after must be whole seconds"
    path, method = payload.get("path"), payload.get("method")
    if path is not None and not isinstance(path, str) or method is not None and not isinstance(method, str):
        return None, "path and method must be strings"
    return Fault(
        kind,
        count,
        status if status is not None else (500 if kind == "status" else None),
        retry_after,
        delay_ms,
        path,
        method,
    ), None


class Faults:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self.lock:
            if fault.count > 0:
                self.queue.append(fault)

    def clear(self) -> None:
        with self.lock:
            self.queue.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching this request, spending one of its uses."""
        with self.lock:
            for fault in self.queue:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self.queue.remove(fault)
                    return fault
        return None

    def listing(self) -> list[dict[str, Any]]:
        with self.lock:
            return [asdict(fault) for fault in self.queue]
