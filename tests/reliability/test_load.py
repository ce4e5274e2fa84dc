"""Load: 50 concurrent signed-in people for LOAD_SECONDS (default 30 s; 60 s is the issue's figure, set
LOAD_SECONDS=60 to run it) against a live dashboard on loopback, over a sandbox with 50 ms added latency,
mixing searches, detail views and creates.

Proved: zero 5xx (and no transport errors); every create the dashboard acknowledged exists in the sandbox
exactly once under the id it showed; nothing else was created; each create was sent upstream exactly once.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests

from tests.conftest import SANDBOX_PASSWORD, current_totp

pytestmark = [pytest.mark.slow]

USERS = 50
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
# Nexudus users allowed to create payment tokens; the 50 sessions are shared out among them.
ACCOUNTS = ("ops@sandbox.test", "admin@sandbox.test", "mfa@sandbox.test")
TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
MARK = "load-"
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PENDING = re.compile(r'name="pending" value="([^"]+)"')
CREATED = re.compile(r'Saved: <a href="/payment-tokens/(\d+)/">')


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # token text -> id the dashboard showed
    sent: list[str] = field(default_factory=list)  # token texts of every create POST

    def note(self, kind: str, response: requests.Response) -> None:
        with self.lock:
            self.kinds[kind] += 1
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.failures.append(f"{kind} {response.request.path_url} -> {response.status_code}")


def _signed_in_session(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/signin/", timeout=30)
    data = {"email": email, "password": SANDBOX_PASSWORD, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)}
    response = session.post(f"{base}/signin/", data=data, timeout=30, allow_redirects=False)
    if response.status_code == 200 and PENDING.search(response.text):
        data = {
            "step": "code",
            "code": current_totp(),
            "pending": PENDING.search(response.text).group(1),
            "csrfmiddlewaretoken": CSRF.search(response.text).group(1),
        }
        response = session.post(f"{base}/signin/", data=data, timeout=30, allow_redirects=False)
    assert response.status_code == 302, f"{email} could not sign in: {response.status_code}"
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def _person(number: int, base: str, session: requests.Session, ids: dict, deadline: float, tally: Tally) -> None:
    rng = random.Random(number)
    htmx = {"HX-Request": "true"}
    created = 0
    try:
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.45:
                params = rng.choice(
                    [
                        {"page": rng.randint(1, 40)},
                        {"coworker_invoice_id": rng.choice(ids["invoices"])},
                        {"sort": rng.choice(["id", "-id", "created_on"])},
                        {"notes": "a"},
                    ]
                )
                tally.note("search", session.get(f"{base}/payment-tokens/", params=params, headers=htmx, timeout=60))
            elif roll < 0.60:
                tally.note(
                    "search", session.get(f"{base}/ledger-entries/", params={"page": rng.randint(1, 20)}, timeout=60)
                )
            elif roll < 0.85:
                path = rng.choice(
                    [f"/payment-tokens/{rng.choice(ids['tokens'])}/", f"/ledger-entries/{rng.choice(ids['entries'])}/"]
                )
                tally.note("detail", session.get(f"{base}{path}", timeout=60))
            else:
                form = session.get(f"{base}/payment-tokens/new/", timeout=60)
                tally.note("create-form", form)
                created += 1
                text = f"{MARK}{number}-{created}"
                data = {
                    "coworker_invoice_id": rng.choice(ids["invoices"]),
                    "token": text,
                    "notes": "load test",
                    "submission_key": KEY.search(form.text).group(1),
                }
                with tally.lock:
                    tally.sent.append(text)
                response = session.post(f"{base}/payment-tokens/new/", data=data, headers=htmx, timeout=60)
                tally.note("create", response)
                match = CREATED.search(response.text)
                if match:
                    with tally.lock:
                        tally.acknowledged[text] = int(match.group(1))
    except Exception as error:  # a transport error or a page without its form is a failure too
        with tally.lock:
            tally.failures.append(f"person {number}: {type(error).__name__}: {error}")


def _all_load_tokens(upstream) -> list[dict]:
    records, page = [], 1
    while True:
        answer = upstream.api(
            "GET", TOKENS_API, params={"CoworkerInvoicePaymentToken_Token": MARK, "size": 1000, "page": page}
        ).json()
        records += answer["Records"]
        if page >= answer["TotalPages"]:
            return records
        page += 1


def test_fifty_people_at_once_get_no_5xx_and_every_acknowledged_create_exists_exactly_once(
    live_server, transactional_db, upstream, settings, signin_throttle_cleared
):
    settings.SIGNIN_MAX_ATTEMPTS = settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 1000
    settings.NEXUDUS_READ_TIMEOUT = 30.0
    upstream.configure(latency_ms=50, throttle=False)
    base = live_server.url
    ids = {
        "tokens": [r["Id"] for r in upstream.api("GET", TOKENS_API, params={"size": 200}).json()["Records"]],
        "entries": [
            r["Id"]
            for r in upstream.api("GET", "/api/billing/coworkerledgerentries", params={"size": 200}).json()["Records"]
        ],
        "invoices": [
            r["Id"]
            for r in upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 200}).json()["Records"]
        ],
    }
    total_before = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["TotalItems"]
    sessions = [_signed_in_session(base, ACCOUNTS[n % len(ACCOUNTS)]) for n in range(USERS)]
    upstream.reset_counters()
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    people = [
        threading.Thread(target=_person, args=(n, base, sessions[n], ids, deadline, tally), daemon=True)
        for n in range(USERS)
    ]
    for person in people:
        person.start()
    for person in people:
        person.join(timeout=SECONDS + 120)
    assert not any(person.is_alive() for person in people), "a person was still waiting long after the end"
    upstream.configure(latency_ms=0)

    summary = (
        f"{sum(tally.kinds.values())} requests {dict(tally.kinds)} statuses {dict(tally.statuses)}, "
        f"{len(tally.acknowledged)} creates acknowledged"
    )
    print(summary)
    assert not tally.failures, "\n".join(tally.failures[:30]) + "\n" + summary
    assert tally.kinds["search"] > USERS and tally.kinds["detail"] > USERS and tally.kinds["create"] >= 10, summary
    assert tally.acknowledged, "no create was acknowledged: " + summary

    stored = _all_load_tokens(upstream)
    by_text = Counter(record["Token"] for record in stored)
    duplicates = [text for text, count in by_text.items() if count > 1]
    assert not duplicates, f"created more than once: {duplicates[:10]}"
    stored_ids = {record["Token"]: record["Id"] for record in stored}
    for text, shown_id in tally.acknowledged.items():
        assert stored_ids.get(text) == shown_id, f"{text}: shown as {shown_id}, sandbox has {stored_ids.get(text)}"
    unacknowledged = set(stored_ids) - set(tally.acknowledged)
    assert not unacknowledged, f"created but never acknowledged: {sorted(unacknowledged)[:10]}"
    total_after = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["TotalItems"]
    assert total_after == total_before + len(tally.acknowledged), "something else was created"
    posts = upstream.counters()["by_endpoint"].get(f"POST {TOKENS_API}", 0)
    # No faults are injected: every create that reached Nexudus succeeded, and was acknowledged once. (Creates
    # the per-person upstream budget held back were never sent, and said so.)
    assert posts == len(tally.acknowledged), f"{posts} creates sent upstream, {len(tally.acknowledged)} acknowledged"
