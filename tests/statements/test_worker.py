"""Exactly once, resumable: the real worker killed half-way and restarted; a posting interrupted between its
write and its record; a write whose answer was lost. Each time the sandbox holds every line exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from dashboard.accounts.session import nexudus_client_for_user
from dashboard.statements.models import Posting, StatementImport, StatementLine
from dashboard.statements.parsing import guess_mapping
from dashboard.statements.posting import RunResult, statement_import_run
from dashboard.statements.services import (
    import_table,
    statement_import_create,
    statement_import_match,
    statement_import_queue,
)

from .statement_builder import build_statement
from .test_end_to_end import ledger_entries_with

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def prepared_import(client, sandbox, lines: int, create_tokens: bool = False) -> StatementImport:
    user = get_user_model().objects.get(email="ops@sandbox.test")
    built = build_statement(sandbox, lines=lines)
    statement_import = statement_import_create(
        user=user, data=built.csv_text, currency_code="GBP", create_tokens=create_tokens
    )
    mapping = guess_mapping(import_table(statement_import).header)
    statement_import_match(client=nexudus_client_for_user(user), statement_import=statement_import, mapping=mapping)
    return statement_import


def assert_each_accepted_line_once(sandbox, statement_import: StatementImport) -> None:
    accepted = statement_import.lines.filter(decision="post")
    assert accepted.exists()
    assert set(accepted.values_list("state", flat=True)) == {"done"}
    for posting in Posting.objects.filter(line__statement_import=statement_import, line__decision="post"):
        found = ledger_entries_with(sandbox, posting.key)
        assert len(found) == 1, (posting.key, len(found))
        assert found[0]["Id"] == posting.entry_id


def start_worker(sandbox) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "tests" / "statements"), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
        "STATEMENTS_TEST_NEXUDUS_URL": sandbox.url,
        "STATEMENTS_TEST_DB": str(connection.settings_dict["NAME"]),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "statements_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def done_lines(statement_import: StatementImport) -> int:
    return StatementLine.objects.filter(statement_import=statement_import, state="done").count()


def test_killing_the_worker_half_way_loses_and_doubles_nothing(ops_client, upstream, transactional_db):
    upstream.configure(latency_ms=40)  # slow enough to be killed in the middle
    statement_import = prepared_import(ops_client, upstream, lines=80)
    to_post = statement_import.lines.filter(decision="post").count()
    assert to_post > 40
    statement_import_queue(statement_import=statement_import)

    worker = start_worker(upstream)
    try:
        wait_for(lambda: done_lines(statement_import) >= to_post // 3)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    stopped_at = done_lines(statement_import)
    assert 0 < stopped_at < to_post  # really half-way
    statement_import.refresh_from_db()
    assert statement_import.status == StatementImport.Status.POSTING  # left mid-import, lease held by the dead

    worker = start_worker(upstream)
    try:
        wait_for(lambda: StatementImport.objects.get(pk=statement_import.pk).status == "done")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert_each_accepted_line_once(upstream, statement_import)


def test_a_posting_interrupted_after_its_write_is_found_not_resent(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    statement_import = prepared_import(ops_client, upstream, lines=12)
    statement_import_queue(statement_import=statement_import)
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    # As if the worker died between Nexudus saving the entry and our recording it.
    posting = Posting.objects.filter(line__statement_import=statement_import, state="done").first()
    written = posting.entry_id
    Posting.objects.filter(pk=posting.pk).update(state="sending", entry_id=None)
    StatementLine.objects.filter(pk=posting.line_id).update(state="waiting")
    StatementImport.objects.filter(pk=statement_import.pk).update(status="posting", lease_owner="", lease_until=None)

    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    posting.refresh_from_db()
    assert posting.state == "done" and posting.entry_id == written
    assert_each_accepted_line_once(upstream, statement_import)


def test_a_write_whose_answer_is_lost_is_checked_then_sent_once(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    settings.STATEMENTS_RECHECK_SECONDS = 0.5
    statement_import = prepared_import(ops_client, upstream, lines=8)
    statement_import_queue(statement_import=statement_import)
    upstream.fault("drop", count=1, method="POST", path="/api/billing/coworkerledgerentries")
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    assert Posting.objects.filter(line__statement_import=statement_import, attempts=2).count() == 1
    assert_each_accepted_line_once(upstream, statement_import)


def test_a_timed_out_write_that_lands_later_is_found_not_resent(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    settings.NEXUDUS_READ_TIMEOUT = 1.0
    settings.STATEMENTS_RECHECK_SECONDS = 2.0
    statement_import = prepared_import(ops_client, upstream, lines=8)
    statement_import_queue(statement_import=statement_import)
    # Nexudus takes 1.5 s to save it; the dashboard stops waiting after 1 s, so its outcome is unknown.
    upstream.fault("timeout", count=1, delay_ms=1500, method="POST", path="/api/billing/coworkerledgerentries")
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    postings = Posting.objects.filter(line__statement_import=statement_import, line__decision="post")
    assert set(postings.values_list("attempts", flat=True)) == {1}  # found in Nexudus, never sent twice
    assert_each_accepted_line_once(upstream, statement_import)


def test_a_second_worker_keeps_off_an_import_another_is_posting(ops_client, upstream):
    statement_import = prepared_import(ops_client, upstream, lines=6)
    statement_import_queue(statement_import=statement_import)
    StatementImport.objects.filter(pk=statement_import.pk).update(
        lease_owner="otherhost:1:abc",
        lease_until=StatementImport.objects.get(pk=statement_import.pk).created_at
        + __import__("datetime").timedelta(days=1),
    )
    assert statement_import_run(import_id=statement_import.pk) is RunResult.ELSEWHERE
    assert not Posting.objects.filter(line__statement_import=statement_import).exclude(state="waiting").exists()


def test_bank_transfer_payment_tokens_are_recorded_once_when_asked(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    statement_import = prepared_import(ops_client, upstream, lines=6, create_tokens=True)
    statement_import_queue(statement_import=statement_import)
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    postings = Posting.objects.filter(line__statement_import=statement_import, line__decision="post")
    assert postings.exists()
    for posting in postings:
        assert posting.token_state == "done"
        tokens = upstream.api(
            "GET",
            "/api/billing/coworkerinvoicepaymenttokens",
            params={"CoworkerInvoicePaymentToken_CoworkerInvoice": posting.invoice_id},
        ).json()
        mine = [t for t in tokens["Records"] if t["Token"] == posting.key]
        assert [t["Id"] for t in mine] == [posting.token_id]
        one = upstream.api("GET", f"/api/billing/coworkerinvoicepaymenttokens/{posting.token_id}").json()
        assert one["RegularPaymentProvider"] in (96, "BankTransfer")  # by number or name, as the profile says


def test_a_posting_that_cannot_be_looked_for_is_never_resent(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0
    settings.STATEMENTS_RECHECK_SECONDS = 0.1
    statement_import = prepared_import(ops_client, upstream, lines=6)
    statement_import_queue(statement_import=statement_import)
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    posting = Posting.objects.filter(line__statement_import=statement_import, state="done").first()
    Posting.objects.filter(pk=posting.pk).update(state="sending", entry_id=None)
    StatementLine.objects.filter(pk=posting.line_id).update(state="waiting")
    StatementImport.objects.filter(pk=statement_import.pk).update(status="posting", lease_owner="", lease_until=None)
    # Nexudus cannot be searched: whether the entry exists is unknown, so it must not be sent again.
    upstream.fault("status", count=200, status=503, method="GET", path="/api/billing/coworkerledgerentries")
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE
    upstream.clear_faults()
    posting.refresh_from_db()
    assert posting.state == "unknown" and "look for the key" in posting.message
    assert len(ledger_entries_with(upstream, posting.key)) == 1
    assert StatementLine.objects.get(pk=posting.line_id).state == "unknown"


def test_a_task_posts_for_one_time_slice_then_queues_the_rest(ops_client, upstream, settings):
    from django_tasks_db.models import DBTaskResult

    from dashboard.statements.tasks import post_statement_import

    settings.NEXUDUS_BUDGET_WRITES = 0
    settings.STATEMENTS_TIME_SLICE = 0.0
    statement_import = prepared_import(ops_client, upstream, lines=6)
    statement_import_queue(statement_import=statement_import)
    queued = DBTaskResult.objects.count()
    assert post_statement_import.call(statement_import.pk) == "more"
    assert DBTaskResult.objects.count() == queued + 1  # the rest is on the queue for the next turn
    statement_import.refresh_from_db()
    assert statement_import.lease_owner == ""  # let go, so whichever worker takes the next turn may post
    settings.STATEMENTS_TIME_SLICE = 60.0
    assert post_statement_import.call(statement_import.pk) == "done"
    assert_each_accepted_line_once(upstream, statement_import)
