"""Every URL of the URLconf, with any parameters, any body and charset, with and without HX-Request, as
each kind of user, against the real sandbox: never a 5xx, never the input echoed unescaped, never an
invalid request sent upstream (tests/upstream_spy.py watches the one transport function).

The test client re-raises any exception a view lets escape, so a crash fails with its traceback and
Hypothesis shrinks it to the smallest request that shows it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given, note, settings
from hypothesis import strategies as st

from dashboard.core.preferences import saved_view_tables
from tests.conftest import sign_in
from tests.fuzz.strategies import CANARY, hostile_text, name_strategy, path_strategy, raw_value, routes
from tests.upstream_spy import upstream_spy  # noqa: F401 (fixture)

USERS = ["ops@sandbox.test", "agent@sandbox.test", "admin@sandbox.test", "noroles@sandbox.test"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHARSETS = ["", "utf-8", "UTF-8", "utf8", "latin-1", "iso-8859-1", "utf-16", "utf-32", "cp1252", "bogus", "x" * 300]
ROUTES = routes()
# A request to the in-process dashboard and the local sandbox takes milliseconds: afford more examples.
VIEWS = settings(max_examples=settings.default.max_examples * 4)


@dataclass
class Visitor:
    label: str
    client: Client
    csrf_token: str


@pytest.fixture
def visitors(transactional_db, upstream, signin_throttle_cleared, settings) -> dict[str, Visitor]:
    """Each kind of user once (signed in through /signin/ against the sandbox), CSRF checks on as in
    production; and an anonymous visitor. Transactional: some pages read tokens from worker threads."""
    settings.SIGNIN_MAX_ATTEMPTS = settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 1_000_000  # fuzzed sign-ins
    found = {}
    for email in [None, *USERS]:
        client = Client()
        if email:
            assert sign_in(client, email=email).status_code == 302
        client.handler.enforce_csrf_checks = True
        page = client.get("/signin/" if email is None else "/payment-tokens/new/").content.decode()
        match = CSRF_INPUT.search(page)
        found[email or "anonymous"] = Visitor(email or "anonymous", client, match.group(1) if match else "")
    return found


@pytest.fixture
def known_ids(upstream) -> list[int]:
    ids = [300001]
    for path, key in [
        ("/api/billing/coworkerledgerentries", "Id"),
        ("/api/billing/coworkerledgerentries", "CoworkerId"),
        ("/api/billing/coworkerledgerentries", "BusinessId"),
        ("/api/billing/coworkerinvoicepaymenttokens", "Id"),
    ]:
        ids.append(upstream.api("GET", path, params={"size": 1}).json()["Records"][0][key])
    return ids


def _body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _check(response, spy, *, label: str) -> str:
    note(f"{label} -> {response.status_code}")
    assert response.status_code < 500, f"{label}: HTTP {response.status_code}"
    html = _body_text(response)
    assert CANARY not in html, f"{label}: the input came back unescaped"
    for header in ("HX-Push-Url", "HX-Redirect", "Location"):
        assert CANARY not in response.get(header, ""), f"{label}: the input came back in {header}"
    problems = spy.problems()
    assert not problems, "\n".join(problems)
    return html


def _headers(data, visitor: Visitor) -> dict[str, str]:
    headers = {}
    if data.draw(st.booleans(), label="HX-Request"):
        headers["HTTP_HX_REQUEST"] = "true"
        if data.draw(st.booleans(), label="HX-Current-URL"):
            headers["HTTP_HX_CURRENT_URL"] = data.draw(hostile_text, label="HX-Current-URL value")
        if data.draw(st.booleans(), label="history restore"):
            headers["HTTP_HX_HISTORY_RESTORE_REQUEST"] = "true"
    return headers


@VIEWS
@given(data=st.data())
def test_any_get_of_any_url_never_fails(visitors, known_ids, upstream_spy, data):  # noqa: F811
    route = data.draw(st.sampled_from(ROUTES), label="route")
    visitor = visitors[data.draw(st.sampled_from(sorted(visitors)), label="visitor")]
    path = data.draw(path_strategy(route, known_ids, saved_view_tables()), label="path")
    pairs = data.draw(st.lists(st.tuples(name_strategy(route), raw_value), max_size=8), label="query")
    query = "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs)
    headers = _headers(data, visitor)
    upstream_spy.clear()
    response = visitor.client.get(f"{path}?{query}" if query else path, **headers)
    _check(response, upstream_spy, label=f"{visitor.label} GET {path}?{query[:300]} {headers}")


@VIEWS
@given(data=st.data())
def test_any_post_to_any_url_in_any_charset_never_fails(visitors, known_ids, upstream_spy, data):  # noqa: F811
    route = data.draw(st.sampled_from(ROUTES), label="route")
    visitor = visitors[data.draw(st.sampled_from(sorted(visitors)), label="visitor")]
    path = data.draw(path_strategy(route, known_ids, saved_view_tables()), label="path")
    fields = data.draw(st.lists(st.tuples(name_strategy(route), hostile_text), max_size=6), label="fields")
    with_token = data.draw(st.booleans(), label="CSRF token") or not visitor.csrf_token
    if with_token and visitor.csrf_token:
        fields.append(("csrfmiddlewaretoken", visitor.csrf_token))
    headers = {**_headers(data, visitor), "HTTP_X_CSRFTOKEN": visitor.csrf_token if with_token else ""}
    kind = data.draw(st.sampled_from(["urlencoded", "multipart", "raw-bytes"]), label="body kind")
    upstream_spy.clear()
    if kind == "multipart":
        content = {}
        for name, value in fields:
            content.setdefault(name, []).append(value)
        response = visitor.client.post(path, content, **headers)
        _check(response, upstream_spy, label=f"{visitor.label} POST multipart {path} {fields!r:.300}")
        return
    charset = data.draw(st.sampled_from(CHARSETS), label="charset")
    body = "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in fields).encode()
    if kind == "raw-bytes":
        body += b"&" + data.draw(st.binary(max_size=40), label="raw bytes")
    content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    response = visitor.client.generic("POST", path, body, content_type=content_type, **headers)
    label = f"{visitor.label} POST {path} charset={charset!r} {body[:300]!r}"
    _check(response, upstream_spy, label=label)
    if _refused_charset(charset) and visitor.label != "anonymous" and with_token:
        assert response.status_code == 400, f"{label}: a non-UTF-8 form must be refused with 400"


def _refused_charset(charset: str) -> bool:
    """Django reads url-encoded forms as UTF-8 only: a known codec by any other name is a 400."""
    try:
        codecs.lookup(charset)
    except (LookupError, ValueError):
        return False
    return charset.lower() != "utf-8"
