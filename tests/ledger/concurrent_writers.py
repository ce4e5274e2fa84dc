"""Many people saving ledger entries for one customer at the same instant, through real dashboard instances.

Shared by the concurrency tests and the bench scenario's harness test: start instances (gunicorn, production
settings, one database), sign writers in, review each entry, release every confirm at once, and read the
customer's chain back from the sandbox to see whether it still adds up entry by entry.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import requests
from django.db import connection

from tests.conftest import SANDBOX_PASSWORD
from tests.production.servers import Instance, production_env, start_gunicorn

from .helpers import LEDGER_API

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
CREATED_ID = re.compile(r'class="created-id">(\d+)<')
BUSY = "Someone else is writing to this customer&#x27;s ledger right now; nothing was saved — try again"
MOVED = "Nothing was saved: the customer&#x27;s balance changed since you reviewed this entry"
NEW = "/ledger-entries/new/"
WRITERS = ("ops@sandbox.test", "admin@sandbox.test")  # two people, so one person's budget is not the limit
MOST_CONFIRMS = 40  # a writer whose balance keeps moving confirms again, as a person would, this often at most


def database_url() -> str:
    """The test database pytest-django made (PostgreSQL or the SQLite file), for the instances to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}@"
    return f"postgres://{credentials}{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_instances(tmp_path: Path, sandbox_url: str, static_root: Path, *, lock: bool, threads: int) -> list[Instance]:
    """Two instances sharing this test's database (and Redis when the suite has one)."""
    import os

    import requests

    # The instances must read `dir` as this sandbox does (its profile decides), or "newest first" would
    # fetch the oldest entry as the latest, exactly the misconfiguration `nexudus_doctor` reports.
    dir_ascending = requests.get(f"{sandbox_url}/_sandbox/config", timeout=10).json()["dir_ascending"]
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(),
        NEXUDUS_API_URL=sandbox_url,
        NEXUDUS_SORT_DIR_ASCENDING=str(dir_ascending),
        STATIC_ROOT=str(static_root),
        SIGNIN_MAX_ATTEMPTS="1000",
        SIGNIN_MAX_ATTEMPTS_PER_ADDRESS="1000",
        LEDGER_WRITE_LOCK="true" if lock else "false",
        LEDGER_WRITE_LOCK_TIMEOUT="20",
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX=f"ledger-writers-{tmp_path.name}",
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    first = start_gunicorn(env, tmp_path / "instance-a.log", threads=threads)
    try:
        second = start_gunicorn(env, tmp_path / "instance-b.log", threads=threads)
    except Exception:
        first.stop()
        raise
    return [first, second]


@dataclass
class WriterResult:
    index: int
    description: str
    credit: Decimal
    entry_id: int | None = None  # acknowledged: the done page named this entry
    refused: bool = False  # refused with the clear "someone else is writing" message
    confirms: int = 0
    moved: int = 0  # times the save stopped because the balance moved since the review
    unexpected: str = ""  # anything else the dashboard answered (the test fails on it)


@dataclass
class Writer:
    instance: Instance
    email: str
    result: WriterResult
    http: requests.Session = field(default_factory=requests.Session)
    data: dict = field(default_factory=dict)

    def sign_in(self) -> None:
        page = self.http.get(f"{self.instance.url}/signin/", timeout=30)
        form = {
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "step": "password",
            "next": "",
            "email": self.email,
            "password": SANDBOX_PASSWORD,
        }
        answer = self.http.post(f"{self.instance.url}/signin/", data=form, allow_redirects=False, timeout=30)
        assert answer.status_code == 302, f"sign-in as {self.email} failed: {answer.status_code}"

    def review(self, coworker_id: int, business_id: int) -> None:
        page = self.http.get(self.instance.url + NEW, timeout=30).text
        self.data = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            "submission_key": KEY.search(page).group(1),
            "business_id": business_id,
            "coworker_id": coworker_id,
            "coworker_invoice_id": "",
            "description": self.result.description,
            "code": "PAYM",
            "debit": "0",
            "credit": str(self.result.credit),
            "payment_gateway": "11",
        }
        review = self.http.post(self.instance.url + NEW, data={**self.data, "action": "review"}, timeout=30)
        assert "Save this entry in Nexudus" in review.text, review.text[-2000:]

    def confirm(self) -> None:
        for _ in range(MOST_CONFIRMS):
            self.result.confirms += 1
            answer = self.http.post(self.instance.url + NEW, data={**self.data, "action": "confirm"}, timeout=60)
            created = CREATED_ID.search(answer.text)
            if created:
                self.result.entry_id = int(created.group(1))
                return
            if BUSY in answer.text:
                self.result.refused = True
                return
            if MOVED in answer.text and "Save this entry in Nexudus" in answer.text:
                self.result.moved += 1  # the new figures are shown: confirm them, as a person would
                continue
            self.result.unexpected = f"HTTP {answer.status_code}: {answer.text[-1500:]}"
            return
        self.result.unexpected = f"still moving after {MOST_CONFIRMS} confirms"


def run_writers(
    instances: list[Instance], *, coworker_id: int, business_id: int, per_instance: int, tag: str
) -> list[WriterResult]:
    """`per_instance` writers on each instance, each crediting a different amount; every confirm is
    released at the same instant, after every review is done."""
    writers = []
    for n in range(per_instance * len(instances)):
        result = WriterResult(index=n, description=f"Concurrent credit {tag} {n}", credit=Decimal(n + 1))
        writers.append(Writer(instance=instances[n % len(instances)], email=WRITERS[n % len(WRITERS)], result=result))
    for writer in writers:
        writer.sign_in()
        writer.review(coworker_id, business_id)
    start = threading.Barrier(len(writers))
    failures: list[BaseException] = []

    def go(writer: Writer) -> None:
        try:
            start.wait(timeout=60)
            writer.confirm()
        except BaseException as error:  # reported by the caller, with the others' results
            failures.append(error)

    threads = [threading.Thread(target=go, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    return [writer.result for writer in writers]


def chain_of(upstream, coworker_id: int, business_id: int) -> list[dict]:
    """Every entry of the customer at the business, in Nexudus's chain order (transaction date, then id)."""
    records: list[dict] = []
    page = 1
    while True:
        answer = upstream.api(
            "GET",
            LEDGER_API,
            params={
                "CoworkerLedgerEntry_Coworker": coworker_id,
                "CoworkerLedgerEntry_Business": business_id,
                "size": 1000,
                "page": page,
            },
        ).json()
        records += answer["Records"]
        if not answer.get("HasNextPage"):
            break
        page += 1
    return sorted(records, key=lambda r: (r["TransactionDate"], r["Id"]))


def broken_links(chain: list[dict]) -> list[tuple[int, Decimal, Decimal]]:
    """(entry id, balance expected from the one before, balance stored) wherever the chain does not add up.
    Plain arithmetic on purpose: this checks the dashboard's chain check as much as the writes."""
    broken, running = [], Decimal("0")
    for record in chain:
        running += Decimal(str(record["Debit"])) - Decimal(str(record["Credit"]))
        stored = Decimal(str(record["Balance"]))
        if stored != running:
            broken.append((record["Id"], running, stored))
            running = stored  # each link on its own: one break is not counted again on every later entry
    return broken
