"""HTTP/1.1 server: a threaded stdlib server with keep-alive, handing requests to the Sandbox.

Each response is written in one send with its Content-Length, and Nagle is off, so a client that
reuses its connection never waits on delayed ACKs. One daemon thread per connection.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from .messages import Request, Response, json_response

if TYPE_CHECKING:
    from .app import Sandbox


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 50+ clients connecting at once must not be refused
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox, verbose: bool = False) -> None:
        super().__init__(address, Handler)
        self.sandbox = sandbox
        self.verbose = verbose


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "NexudusSandbox/1.0"
    sys_version = ""
    server: SandboxServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.sandbox.counters.connection()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    def _dispatch(self) -> None:
        # Read the whole body even when unused, or the next request on this connection is garbled.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = self._read_chunked()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Request.build(self.command, self.path, headers, body)
        try:
            response = self.server.sandbox.handle(request)
        except Exception:  # a bug must answer 500, not kill the connection thread silently
            traceback.print_exc(file=sys.stderr)
            response = json_response(500, {"Message": "An error has occurred."})
        self._send(response)

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():  # trailers, then the blank line
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        reason = response.reason or self.responses.get(response.status, ("",))[0]
        lines = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Length: {len(response.body)}",
        ]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        if self.headers.get("Connection", "").lower() == "close":
            lines.append("Connection: close")
            self.close_connection = True
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head + (response.body if self.command != "HEAD" else b""))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch  # noqa: N815


def serve(sandbox: Sandbox, host: str, port: int, verbose: bool = False) -> None:
    server = SandboxServer((host, port), sandbox, verbose)
    print(f"Nexudus sandbox listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
