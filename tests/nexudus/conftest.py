"""Fixtures for the Nexudus module's HTTP-boundary tests: a mocked Nexudus, a fake token provider, and a
scripted socket server for faults `responses` cannot fake (dropped connections, real timeouts)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import responses

from dashboard.nexudus import http

API = "http://nexudus.test"
ACCESS_TOKEN = "eyJ-access-token-aaaa"
FRESH_TOKEN = "eyJ-fresh-token-bbbb"


@dataclass
class FakeTokens:
    """A TokenProvider that hands out `current` and records each refresh it was asked for."""

    current: str = ACCESS_TOKEN
    fresh: str = FRESH_TOKEN
    refreshed: list[str] = field(default_factory=list)
    refresh_error: Exception | None = None

    def access_token(self) -> str:
        return self.current

    def refresh(self, rejected_token: str) -> str:
        self.refreshed.append(rejected_token)
        if self.refresh_error:
            raise self.refresh_error
        self.current = self.fresh
        return self.current


@pytest.fixture(autouse=True)
def nexudus_settings(settings):
    settings.NEXUDUS_API_URL = API
    settings.NEXUDUS_RETRY_BUDGET = 4.0
    settings.NEXUDUS_CONNECT_TIMEOUT = 1.0
    settings.NEXUDUS_READ_TIMEOUT = 2.0
    return settings


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Every sleep the retry policy asks for, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "_sleep", recorded.append)
    return recorded


@pytest.fixture
def nexudus(waits) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def tokens() -> FakeTokens:
    return FakeTokens()


class ScriptedServer:
    """Answers each incoming connection with the next scripted step, one request per connection:
    ("respond", status, headers, body) | ("drop",) to close after reading | ("hang", seconds)."""

    def __init__(self, steps: list[tuple]) -> None:
        self.steps = list(steps)
        self.requests: list[bytes] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                request = _read_request(conn)
                if not request:
                    continue
                self.requests.append(request)
                step = self.steps.pop(0) if self.steps else ("respond", 500, {}, b"unscripted request")
                if step[0] == "hang":
                    time.sleep(step[1])
                elif step[0] == "respond":
                    _, status, headers, body = step
                    head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
                    head += [f"{k}: {v}" for k, v in headers.items()]
                    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


def _read_request(conn: socket.socket) -> bytes:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.fixture
def scripted_server(waits, nexudus_settings) -> Iterator:
    servers: list[ScriptedServer] = []

    def start(*steps: tuple) -> ScriptedServer:
        server = ScriptedServer(list(steps))
        servers.append(server)
        nexudus_settings.NEXUDUS_API_URL = server.url
        return server

    yield start
    for server in servers:
        server.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
