"""Each person acts with their own Nexudus token only, and no token ever leaves the encrypted column: not
in a page, a log line, an export, or the database in plain text."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from dashboard.accounts.models import NexudusAccount
from tests.conftest import sign_in

from .pages import all_pages, sample_ids

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def _tokens(email: str):
    return NexudusAccount.objects.get(user__username=email).token_set()


def _create(client, token: str):
    form = client.get("/payment-tokens/new/").content.decode()
    key = KEY.search(form).group(1)
    return client.post("/payment-tokens/new/", {"coworker_invoice_id": "300001", "token": token, "submission_key": key})


@pytest.mark.django_db(transaction=True)
def test_interleaved_requests_of_two_people_each_use_only_their_own_token(upstream, signin_throttle_cleared):
    ops, agent = Client(), Client()
    assert sign_in(ops, email="ops@sandbox.test").status_code == 302
    assert sign_in(agent, email="agent@sandbox.test").status_code == 302
    prefix = {email: _tokens(email).access_token[:8] for email in ("ops@sandbox.test", "agent@sandbox.test")}
    assert prefix["ops@sandbox.test"] != prefix["agent@sandbox.test"]
    ids = sample_ids(upstream)
    upstream.reset_counters()
    expected = {"ops@sandbox.test": 0, "agent@sandbox.test": 0}
    for round_ in range(3):
        for email, client in (("ops@sandbox.test", ops), ("agent@sandbox.test", agent)):
            before = upstream.counters()["total"]
            assert client.get("/payment-tokens/", {"page": round_ + 1}).status_code == 200
            assert client.get(f"/payment-tokens/{ids['token_id']}/").status_code == 200
            expected[email] += upstream.counters()["total"] - before
    # A write: ops may create, agent may not (Nexudus refuses because the agent's own token is used; the
    # client then refreshes the agent's token once and tries again, still as the agent).
    for email, client, token, status in (
        ("ops@sandbox.test", ops, "pm_isolation_ops", 302),
        ("agent@sandbox.test", agent, "pm_isolation_agent", 200),
    ):
        before = upstream.counters()["total"]
        response = _create(client, token)
        assert response.status_code == status
        expected[email] += upstream.counters()["total"] - before
    assert "Invoice payment token → Create permission" in response.content.decode()
    counters = upstream.counters()
    assert counters["by_user"] == expected
    owned = {
        "ops@sandbox.test": {prefix["ops@sandbox.test"], _tokens("ops@sandbox.test").access_token[:8]},
        "agent@sandbox.test": {prefix["agent@sandbox.test"], _tokens("agent@sandbox.test").access_token[:8]},
    }
    assert set(counters["by_token"]) <= owned["ops@sandbox.test"] | owned["agent@sandbox.test"]
    assert sum(counters["by_token"].get(p, 0) for p in owned["ops@sandbox.test"]) == expected["ops@sandbox.test"]
    created = upstream.api("GET", TOKENS_API, params={"CoworkerInvoicePaymentToken_Token": "pm_isolation"}).json()
    assert [r["Token"] for r in created["Records"]] == ["pm_isolation_ops"]


@pytest.mark.django_db(transaction=True)
def test_a_session_cannot_be_replayed_after_sign_out(upstream, signin_throttle_cleared):
    ops = Client()
    assert sign_in(ops).status_code == 302
    stolen = ops.cookies["sessionid"].value
    assert ops.post("/signout/").status_code == 302
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/payment-tokens/").status_code == 302
    assert NexudusAccount.objects.get(user__username="ops@sandbox.test").token_set() is None


# --- tokens never leak -----------------------------------------------------------------------------


def _secrets(*emails: str) -> list[str]:
    found = []
    for email in emails:
        tokens = _tokens(email)
        found += [tokens.access_token, tokens.refresh_token]
    assert all(len(secret) >= 16 for secret in found)
    return found


def _all_log_text(caplog) -> str:
    return "\n".join(f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_tokens_never_appear_in_pages_logs_or_the_database(upstream, signin_throttle_cleared, settings, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    for name in ("dashboard", "django", "urllib3", "requests"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    settings.NEXUDUS_REFRESH_MARGIN = 10**9  # every request refreshes first: refresh tokens go out too
    client = Client()
    assert sign_in(client).status_code == 302
    ids = sample_ids(upstream)
    seen_tokens: set[str] = set()
    pages = []
    for page in all_pages():
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            seen_tokens.update(_secrets("ops@sandbox.test"))
            response = client.get(page.path(**ids), **headers)
            pages.append((page.name, response.content.decode(errors="replace") + str(response.headers)))
    pages.append(("create", _create(client, "pm_leak_check").content.decode()))
    seen_tokens.update(_secrets("ops@sandbox.test"))
    assert len(seen_tokens) > 4, "the refresh margin should have rotated the tokens"
    logs = _all_log_text(caplog)
    assert "nexudus GET" in logs  # the upstream calls were logged, so the log check is meaningful
    db_file = Path(connection.settings_dict["NAME"])
    with sqlite3.connect(db_file) as raw:
        dump = "\n".join(raw.iterdump())
    for secret in seen_tokens:
        for name, text in pages:
            assert secret not in text, f"a token appears in the {name} page"
        assert secret not in logs, "a token appears in the logs"
        assert secret[:24] not in logs
        assert secret not in dump, "a token is stored in plain text"


@pytest.mark.django_db(transaction=True)
def test_the_database_check_would_find_a_plain_token(upstream, signin_throttle_cleared):
    """The dump above is the real database file: a value written in plain text is found in it."""
    assert sign_in(Client()).status_code == 302
    from django.contrib.sessions.models import Session

    marker = "plain-marker-7f3a9c1e"
    Session.objects.create(session_key="x" * 32, session_data=marker, expire_date="2999-01-01T00:00:00Z")
    with sqlite3.connect(Path(connection.settings_dict["NAME"])) as raw:
        assert marker in "\n".join(raw.iterdump())
