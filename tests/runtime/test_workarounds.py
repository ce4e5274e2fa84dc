"""The two performance workarounds are isolated: each has a switch, and each applies only where it should."""

from __future__ import annotations

import importlib
import sys

import pytest
from django_tables2 import utils as tables2_utils

from dashboard.runtime import frame_stack, tables2_signature


def _app(environ, start_response):
    start_response("200 OK", [])
    return [b"ok"]


def test_the_frame_stack_workaround_names_the_cpython_issue_and_only_affected_versions():
    assert frame_stack.CPYTHON_ISSUE.endswith("/python/cpython/issues/142183")
    expected = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 13)
    assert frame_stack.ACTIVE is expected


@pytest.mark.skipif(not frame_stack.ACTIVE, reason="the workaround is off on this interpreter")
def test_the_wsgi_entry_is_wrapped_unless_switched_off(settings):
    settings.FRAME_STACK_WORKAROUND = True
    assert isinstance(frame_stack.wsgi_entry(_app), frame_stack.RoomyFrameStackWSGI)
    settings.FRAME_STACK_WORKAROUND = False
    assert frame_stack.wsgi_entry(_app) is _app


def test_a_streamed_body_keeps_its_chunks_and_its_close():
    closed = []

    class Streamed:
        streaming = True

        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            closed.append(True)

    body = frame_stack.RoomyFrameStackWSGI(lambda environ, start_response: Streamed())({}, lambda *a: None)
    assert list(body) == [b"a", b"b"]
    body.close()
    assert closed == [True]


def test_pool_tasks_run_with_and_without_the_workaround(settings):
    from dashboard.runtime.pool import submit

    for switch in (True, False):
        settings.FRAME_STACK_WORKAROUND = switch
        assert submit(lambda: 6 * 7).result(timeout=10).get() == 42


def test_the_signature_memo_is_installed_at_start_up_and_has_a_switch(settings, monkeypatch):
    assert tables2_utils.signature is tables2_signature.cached_signature
    monkeypatch.setattr(tables2_utils, "signature", tables2_signature._uncached_signature)
    settings.TABLES2_SIGNATURE_MEMO = False
    tables2_signature.install()
    assert tables2_utils.signature is tables2_signature._uncached_signature
    settings.TABLES2_SIGNATURE_MEMO = True
    tables2_signature.install()
    assert tables2_utils.signature is tables2_signature.cached_signature


def test_the_wsgi_module_builds_its_application():
    module = importlib.import_module("dashboard.wsgi")
    assert callable(module.application)
