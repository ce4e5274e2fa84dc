"""A record of every request the dashboard sends to Nexudus, taken at the one transport function.

`dashboard.nexudus` sends everything through `http.send()`; wrapping it (in the modules that import it)
lets a test assert on what went upstream — ids, filters, the answer's status — not only on how many.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    params: dict[str, str]
    body: object
    status: int | None  # None: no answer (the transport raised)


@dataclass
class UpstreamSpy:
    sent: list[SentRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.sent.clear()

    def problems(self) -> list[str]:
        """What no valid request carries: a path or an id/paging parameter that is not ASCII digits (a
        superscript "²" that slipped through as an id), or a GET that Nexudus refused as invalid (400).
        Free-text filters (names, numbers of invoices) may hold any text, "²" included."""
        found = []
        with self.lock:
            sent = list(self.sent)
        for request in sent:
            if non_ascii_digits(unquote(request.url)):
                found.append(f"{request.method} {request.url}: a non-ASCII digit in the path")
            for name, value in request.params.items():
                if is_numeric_param(name) and not NUMBER.fullmatch(str(value)):
                    found.append(f"{request.method} {request.url} {name}={value!r}: not an ASCII number")
            if request.method == "GET" and request.status == 400:
                found.append(f"GET {request.url} {request.params}: Nexudus refused it as invalid (400)")
        return found


# A number, or a batch read's bracketed list of ids (`id=[1,2,3]`, documented Nexudus syntax).
NUMBER = re.compile(r"-?[0-9]+|\[[0-9]+(?:,[0-9]+)*\]", re.ASCII)
#: Upstream parameters that carry ids or paging (see dashboard/nexudus/wire.py): numbers, never text.
NUMERIC_SUFFIXES = ("_Coworker", "_CoworkerInvoice", "_Business")


def is_numeric_param(name: str) -> bool:
    return name in {"page", "size", "dir", "id"} or name.endswith(NUMERIC_SUFFIXES)


def non_ascii_digits(text: str) -> list[str]:
    return [ch for ch in text if not ch.isascii() and (ch.isdigit() or unicodedata.numeric(ch, None) is not None)]


@pytest.fixture
def upstream_spy(monkeypatch) -> UpstreamSpy:
    from dashboard.nexudus import auth, client, http

    spy = UpstreamSpy()
    original = http.send

    def recording_send(method, url, **kwargs):
        status = None
        try:
            response = original(method, url, **kwargs)
            status = response.status_code
            return response
        finally:
            with spy.lock:
                spy.sent.append(
                    SentRequest(method, url, dict(kwargs.get("params") or {}), kwargs.get("json_body"), status)
                )

    monkeypatch.setattr(client, "send", recording_send)
    monkeypatch.setattr(auth, "send", recording_send)
    return spy
