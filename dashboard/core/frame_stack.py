"""Room on CPython's frame stack for a whole request, so deep code does not thrash it (CPython ≥ 3.11).

What the profiler showed: under gunicorn a 25-row search page spent ~10 ms of its ~20 ms of CPU in the
kernel, with ~750 `mmap`/`munmap` pairs and ~900 page faults per request (`strace -k`: every one from
`_PyThreadState_BumpFramePointerSlow`). Since 3.11 CPython keeps a thread's Python frames in 16 KB
"chunks" of a data stack; a call that does not fit in the current chunk maps a fresh one, and returning
from it unmaps it at once. When the hot loop of a request (a table cell: render → format_html → escape …)
sits right at a chunk boundary, every call maps, faults and unmaps 16 KB — and where that boundary falls
depends on the depth of everything underneath (gunicorn, the WSGI handler, each middleware), which is why
the same view was 2–3x cheaper when called directly.

The fix: run the request inside one frame that reserves a large, unused value stack
(`co_stacksize`). That frame gets a chunk of its own (256 KB, mapped lazily, so untouched pages cost
nothing); every frame the request pushes then fits in the room above it, and the chunk is unmapped once,
when the request returns. Cost: one mmap/munmap and a few page faults per request instead of hundreds.
The reserved slots are never read or written (a frame only initialises its locals), so the larger stack
size is safe; other Python implementations, or versions without the data stack, just make a plain call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Value-stack slots reserved by the wrapping frame (8 bytes each): about 128 KB of room, so the chunk
#: CPython allocates for it is 256 KB and ~128 KB remain for the request's own frames (a deep Django
#: request uses ~30–40 KB).
RESERVED_SLOTS = 16_000


def with_roomy_frame_stack(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)`, with the frames it pushes kept on one large frame-stack chunk."""
    return function(*args, **kwargs)


ACTIVE = sys.implementation.name == "cpython" and sys.version_info >= (3, 11)
if ACTIVE:
    with_roomy_frame_stack.__code__ = with_roomy_frame_stack.__code__.replace(
        co_stacksize=max(with_roomy_frame_stack.__code__.co_stacksize, RESERVED_SLOTS)
    )


class RoomyFrameStackWSGI:
    """WSGI middleware: each request (its whole middleware stack and view) runs inside
    `with_roomy_frame_stack`. A streamed body is produced after the call returns; streaming views wrap
    their own iteration (see core.export)."""

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return with_roomy_frame_stack(self.application, environ, start_response)
