"""The JSON log formatter: one parseable object per line, whatever the record carries."""

from __future__ import annotations

import json
import logging
import sys
from decimal import Decimal

from dashboard.runtime.logging import JsonFormatter, RequestIdFilter, current_request_id


def _record(message: str = "hello %s", *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("dashboard.test", logging.INFO, __file__, 1, message, args or ("world",), None)
    record.__dict__.update(extra)
    return record


def test_line_has_timestamp_level_logger_message_and_extra_fields():
    line = json.loads(JsonFormatter().format(_record(status=200, path="/x")))
    assert line["level"] == "INFO"
    assert line["logger"] == "dashboard.test"
    assert line["message"] == "hello world"
    assert line["ts"].endswith("+00:00")
    assert (line["status"], line["path"]) == (200, "/x")
    assert "args" not in line and "msg" not in line and "levelno" not in line


def test_values_json_cannot_hold_are_written_as_text_not_dropped():
    line = json.loads(JsonFormatter().format(_record(amount=Decimal("12.50"), kind=object)))
    assert line["amount"] == "12.50"
    assert "object" in line["kind"]


def test_an_exception_is_one_line_too():
    try:
        raise ValueError("bad input")
    except ValueError:
        record = logging.LogRecord("dashboard.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: bad input" in json.loads(text)["exc_info"]


def test_request_id_filter_stamps_records_only_inside_a_request():
    outside = _record()
    RequestIdFilter().filter(outside)
    assert not hasattr(outside, "request_id")

    token = current_request_id.set("abc123")
    try:
        inside = _record()
        RequestIdFilter().filter(inside)
    finally:
        current_request_id.reset(token)
    assert inside.request_id == "abc123"
