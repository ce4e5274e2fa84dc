"""The roomy frame-stack wrapper is a transparent call: same result, same exception, any depth."""

from __future__ import annotations

import sys

import pytest

from dashboard.runtime.frame_stack import ACTIVE, RESERVED_SLOTS, RoomyFrameStackWSGI, with_roomy_frame_stack


def test_it_passes_arguments_and_returns_the_result():
    assert with_roomy_frame_stack(lambda a, *, b: a + b, 2, b=3) == 5


def test_it_lets_exceptions_through_unchanged():
    def fail():
        raise LookupError("upstream")

    with pytest.raises(LookupError, match="upstream"):
        with_roomy_frame_stack(fail)


@pytest.mark.skipif(not ACTIVE, reason="only CPython 3.11+ has the frame data stack")
def test_the_wrapping_frame_reserves_its_room_on_cpython():
    assert with_roomy_frame_stack.__code__.co_stacksize >= RESERVED_SLOTS


def test_deep_recursion_inside_still_works_and_unwinds():
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    limit = min(sys.getrecursionlimit() - 100, 900)
    assert with_roomy_frame_stack(depth, limit) == limit


def test_the_wsgi_wrapper_is_transparent():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    seen = []
    body = RoomyFrameStackWSGI(app)({"PATH_INFO": "/healthz"}, lambda status, headers: seen.append(status))
    assert body == [b"/healthz"] and seen == ["200 OK"]
