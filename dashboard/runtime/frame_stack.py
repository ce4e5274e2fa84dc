"""Room on CPython's frame data stack for a whole request or pool task, so hot code never sits on a chunk
boundary (a workaround for CPython gh-142183; see docs/architecture.md, "Workarounds")."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

#: CPython issue: https://github.com/python/cpython/issues/142183 ("Calls across stack chunks perform
#: badly"); fixed by caching one chunk per thread (gh-145789, backported to 3.13 as gh-146123).
CPYTHON_ISSUE = "https://github.com/python/cpython/issues/142183"

#: Value-stack slots reserved by the wrapping frame (8 bytes each): about 128 KB of room, so the chunk
#: CPython allocates for it is 256 KB and ~128 KB remain for the request's own frames.
RESERVED_SLOTS = 16_000

#: Only the CPython versions with the chunked data stack and without the upstream fix.
ACTIVE = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 13)


def with_roomy_frame_stack(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)`, with the frames it pushes kept on one large frame-stack chunk."""
    return function(*args, **kwargs)


if ACTIVE:
    # The reserved slots are never read or written (a frame only initialises its locals): safe.
    with_roomy_frame_stack.__code__ = with_roomy_frame_stack.__code__.replace(
        co_stacksize=max(with_roomy_frame_stack.__code__.co_stacksize, RESERVED_SLOTS)
    )


def enabled() -> bool:
    """The workaround applies: an affected CPython, and `settings.FRAME_STACK_WORKAROUND` not switched off."""
    return ACTIVE and bool(getattr(settings, "FRAME_STACK_WORKAROUND", True))


class _RoomyIteration:
    """A streamed WSGI body whose chunks are each produced inside `with_roomy_frame_stack`."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self._body = body
        self._chunks: Iterator[bytes] = iter(body)

    def __iter__(self) -> _RoomyIteration:
        return self

    def __next__(self) -> bytes:
        chunk: bytes = with_roomy_frame_stack(next, self._chunks)
        return chunk

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class RoomyFrameStackWSGI:
    """WSGI middleware: each request (its whole middleware stack and view) runs inside
    `with_roomy_frame_stack`, and so does each chunk of a streamed body (made after the call returned)."""

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = with_roomy_frame_stack(self.application, environ, start_response)
        if getattr(body, "streaming", False):
            return _RoomyIteration(body)
        return body


def wsgi_entry(application: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI application, wrapped when the workaround applies (else unchanged)."""
    return RoomyFrameStackWSGI(application) if enabled() else application
