"""A 300-line statement against the sandbox: upload, columns, review (one change, one skip), post, results.

The worker's job is run in-process here (`statement_import_run`); test_worker.py runs the real worker.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard.audit.models import AuditRecord
from dashboard.statements.models import Posting, StatementImport, StatementLine
from dashboard.statements.posting import RunResult, statement_import_run

from .statement_builder import build_statement

pytestmark = pytest.mark.slow


def ledger_entries_with(sandbox, text: str) -> list[dict]:
    response = sandbox.api(
        "GET", "/api/billing/coworkerledgerentries", params={"CoworkerLedgerEntry_Description": text, "size": 1000}
    )
    response.raise_for_status()
    return response.json()["Records"]


def upload_and_match(client, csv_text: str, **extra) -> StatementImport:
    upload = SimpleUploadedFile("march.csv", csv_text.encode("cp1252", errors="replace"), content_type="text/csv")
    response = client.post(reverse("statements:upload"), {"statement": upload, "currency_code": "GBP", **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    statement_import = StatementImport.objects.latest("pk")
    response = client.get(reverse("statements:mapping", args=[statement_import.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(reverse("statements:mapping", args=[statement_import.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    statement_import.refresh_from_db()
    return statement_import


def test_a_300_line_statement_posts_exactly_the_accepted_lines(ops_client, upstream, settings):
    settings.NEXUDUS_BUDGET_WRITES = 0  # the sandbox's throttle is off too: pace is not what this test is about
    built = build_statement(upstream, lines=300)
    statement_import = upload_and_match(ops_client, built.csv_text)
    assert statement_import.status == StatementImport.Status.REVIEW
    lines = {line.row: line for line in statement_import.lines.all()}
    assert len(lines) == 300
    verdicts = {row: line.verdict for row, line in lines.items()}
    assert verdicts == built.expected, Counter(
        (built.expected[r], v) for r, v in verdicts.items() if v != built.expected[r]
    )

    # The review page shows every verdict in words; skip one matched line; accept one overpaid line.
    page = ops_client.get(reverse("statements:review", args=[statement_import.pk])).content.decode()
    for verdict in ("matched", "overpaid", "already paid", "no match", "not a payment"):
        assert verdict in page
    skipped_row = next(r for r, v in built.expected.items() if v == "matched")
    overpaid_row = next(r for r, v in built.expected.items() if v == "overpaid")
    for row, decision in ((skipped_row, "skip"), (overpaid_row, "post")):
        line = lines[row]
        response = ops_client.post(
            reverse("statements:line", args=[statement_import.pk, line.pk]),
            {f"line{line.pk}-decision": decision},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    accepted = {row for row, v in built.expected.items() if v == "matched"} - {skipped_row} | {overpaid_row}
    assert set(statement_import.lines.filter(decision="post").values_list("row", flat=True)) == accepted

    response = ops_client.post(reverse("statements:post", args=[statement_import.pk]))
    assert response.status_code == 302
    assert statement_import_run(import_id=statement_import.pk) is RunResult.DONE

    statement_import.refresh_from_db()
    assert statement_import.status == StatementImport.Status.DONE
    posted = StatementLine.objects.filter(statement_import=statement_import, state="done")
    assert set(posted.values_list("row", flat=True)) == accepted
    # In the sandbox: exactly one entry per posting, found by its one-time key, for the right invoice and amount.
    for line in posted:
        for posting in line.postings.all():
            found = ledger_entries_with(upstream, posting.key)
            assert len(found) == 1, (line.row, posting.key, found)
            assert Decimal(str(found[0]["Credit"])) == posting.amount
            assert found[0]["CoworkerInvoiceId"] == posting.invoice_id
            assert found[0]["Code"] == "PAYM"
            assert line.reference in found[0]["Description"]
        if line.row in built.payments:
            assert [(p.invoice_id, p.amount) for p in line.postings.all()] == built.payments[line.row]
    assert (
        not StatementLine.objects.filter(statement_import=statement_import)
        .exclude(row__in=accepted)
        .exclude(state="skipped")
        .exists()
    )
    # Every write audited by the client, and the import as one record.
    postings = Posting.objects.filter(line__statement_import=statement_import, state="done").count()
    assert AuditRecord.objects.filter(resource="ledger_entry", outcome="success").count() == postings
    summary = AuditRecord.objects.get(resource="statement_import", record_id=statement_import.pk)
    assert summary.answer_summary["posted"] == len(accepted)
    audit_page = ops_client.get(reverse("audit:list")).content.decode()
    assert "Bank statement import" in audit_page
    assert reverse("statements:results", args=[statement_import.pk]) in audit_page

    # The results CSV lists every line with its outcome and entry ids.
    csv_text = ops_client.get(reverse("statements:results-csv", args=[statement_import.pk])).content.decode()
    assert len(csv_text.strip().splitlines()) == 301
    entry_id = str(Posting.objects.filter(line__statement_import=statement_import, state="done").first().entry_id)
    assert entry_id in csv_text

    # The same statement imported again: every posted line is recognised and nothing is matched twice.
    again = upload_and_match(ops_client, built.csv_text)
    assert set(again.lines.filter(verdict="already recorded").values_list("row", flat=True)) == accepted
    assert not again.lines.filter(row__in=accepted, decision="post").exists()
