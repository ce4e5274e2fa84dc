"""Every request gets a safe request id: adopted from the proxy when safe, made up otherwise, echoed back,
and written once to the JSON request log with no query values and no email."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from dashboard.runtime.logging import JsonFormatter, RequestIdFilter
from dashboard.runtime.request_id import RequestIdMiddleware

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="dashboard.request")

    def lines() -> list[dict]:
        formatter = JsonFormatter()
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "dashboard.request"]

    return lines


def test_a_safe_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.2_Z-9"})
    assert response["X-Request-Id"] == "lb-7f3a.2_Z-9"


def test_a_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz")["X-Request-Id"]
    second = client.get("/healthz")["X-Request-Id"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "unsafe",
    ["has spaces", "x" * 65, 'quote"d', "new\nline", "semi;colon", "ünïcode", "<script>", ""],
    ids=["spaces", "too-long", "quote", "newline", "semicolon", "unicode", "markup", "empty"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, unsafe):
    response = client.get("/healthz", headers={"X-Request-Id": unsafe})
    assert HEX_ID.fullmatch(response["X-Request-Id"])


def test_the_longest_safe_id_is_kept(client):
    assert client.get("/healthz", headers={"X-Request-Id": "a" * 64})["X-Request-Id"] == "a" * 64


def test_the_view_sees_the_same_id_the_caller_gets_back():
    seen = {}

    def view(request):
        seen["id"] = request.request_id
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/anything"))
    assert seen["id"] == response["X-Request-Id"]


def test_one_json_line_per_request_with_names_but_never_values_of_the_query(client, request_log):
    client.get(
        "/signin/?q=jane.doe%40example.com&access_token=tok-SECRET-123&page=2&page=3",
        headers={"X-Request-Id": "req-42"},
    )
    [line] = request_log()
    assert line["logger"] == "dashboard.request"
    assert line["request_id"] == "req-42"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/signin/", 200)
    assert line["query"] == ["access_token", "page", "q"]
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    raw = json.dumps(line)
    for leaked in ("jane.doe", "example.com", "tok-SECRET-123", "SECRET"):
        assert leaked not in raw


def test_the_log_names_the_signed_in_user_by_id_never_by_email(client, request_log):
    user = get_user_model().objects.create_user("ops.person@example.com", "ops.person@example.com")
    client.force_login(user)
    client.get("/no-such-page/")
    [line] = request_log()
    assert line["user_id"] == user.pk
    assert line["status"] == 404
    assert "ops.person" not in json.dumps(line)


def test_a_crash_past_the_error_page_is_still_logged_as_500(request_log):
    def exploding_view(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        RequestIdMiddleware(exploding_view)(RequestFactory().post("/ledger-entries/new/"))
    [line] = request_log()
    assert (line["method"], line["path"], line["status"]) == ("POST", "/ledger-entries/new/", 500)
    assert line["level"] == "WARNING"


def test_log_lines_written_during_the_request_carry_its_id():
    """The filter LOGGING puts on the console handler stamps the id on lines written below the views."""
    captured: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = captured.append  # type: ignore[method-assign]
    handler.addFilter(RequestIdFilter())
    upstream_logger = logging.getLogger("dashboard.nexudus.client")
    upstream_logger.addHandler(handler)

    def view(request):
        upstream_logger.warning("GET /api/billing/coworkerledgerentries 503")
        return HttpResponse("ok")

    try:
        RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-Id": "trace-me"}))
        upstream_logger.warning("after the request")
    finally:
        upstream_logger.removeHandler(handler)
    during, after = captured
    assert during.request_id == "trace-me"
    assert not hasattr(after, "request_id")
