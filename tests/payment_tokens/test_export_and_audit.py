"""The payment token list's CSV export, the create form's prefill, and the audit trail of its writes."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.audit.models import AuditRecord

from .helpers import CREATE, SEARCH, TOKENS_API, api_total, calls, fresh_key

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_every_matching_token_masked_with_the_current_filters(ops_client, upstream):
    invoice_id = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]["CoworkerInvoiceId"]
    expected = api_total(upstream, CoworkerInvoicePaymentToken_CoworkerInvoice=invoice_id)
    raw_tokens = [
        r["Token"]
        for r in upstream.api(
            "GET", TOKENS_API, params={"CoworkerInvoicePaymentToken_CoworkerInvoice": invoice_id}
        ).json()["Records"]
    ]

    response = ops_client.get("/payment-tokens/", {"coworker_invoice_id": invoice_id, "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert len(rows) - 1 == expected >= 1  # a header, then exactly the filtered records
    text = "\n".join(",".join(row) for row in rows)
    for token in filter(None, raw_tokens):
        if len(token) > 4:
            assert token not in text
    export = AuditRecord.objects.get(action="export")
    assert export.resource == "payment_token" and export.actor.username == "ops@sandbox.test"


def test_the_list_page_states_the_export_row_cap_before_download(ops_client, upstream):
    html = ops_client.get("/payment-tokens/").content.decode()
    assert "export=csv" in html and "20,000 rows" in html


def test_invalid_filters_are_not_exported_or_sent_upstream(ops_client, upstream):
    upstream.reset_counters()
    response = ops_client.get("/payment-tokens/", {"coworker_invoice_id": "abc", "export": "csv"})
    assert response.status_code in (200, 302, 400)
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert calls(upstream, SEARCH) == 0


def test_a_create_through_the_form_is_audited_with_the_new_id_and_no_token_string(ops_client, upstream):
    invoice_id = upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 1}).json()["Records"][0]["Id"]
    response = ops_client.post(
        "/payment-tokens/new/",
        {
            "submission_key": fresh_key(ops_client),
            "coworker_invoice_id": invoice_id,
            "provider": "2",
            "token": "tok_audit_secret_9911",
            "notes": "audited",
        },
    )
    assert response.status_code == 302
    assert calls(upstream, CREATE) == 1
    record = AuditRecord.objects.get(action="create", resource="payment_token")
    assert record.outcome == "success" and record.record_id is not None
    assert str(record.record_id) in response["Location"]
    assert "tok_audit_secret_9911" not in str(record.request_summary) + str(record.answer_summary)


def test_the_create_form_opens_prefilled_from_the_invoice_page_link(ops_client, upstream):
    html = ops_client.get("/payment-tokens/new/", {"coworker_invoice_id": "300042"}).content.decode()
    assert 'value="300042"' in html
    hostile = ops_client.get("/payment-tokens/new/", {"coworker_invoice_id": "<b>1</b>"}).content.decode()
    assert "&lt;b&gt;" not in hostile and "<b>1</b>" not in hostile


def test_the_detail_page_shows_the_records_dashboard_history(ops_client, upstream):
    invoice_id = upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 1}).json()["Records"][0]["Id"]
    created = ops_client.post(
        "/payment-tokens/new/",
        {"submission_key": fresh_key(ops_client), "coworker_invoice_id": invoice_id, "token": "tok_hist_0001"},
    )
    html = ops_client.get(created["Location"]).content.decode()
    assert "Dashboard history" in html and "ops@sandbox.test" in html
