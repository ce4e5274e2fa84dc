"""Upstream data is untrusted: records whose text carries `<script>`, attribute-breaking quotes and
spreadsheet formulas (created straight through the sandbox API, as another Nexudus tool could) render as
inert text in tables, detail pages, fragments, the audit trail and CSV exports."""

from __future__ import annotations

import csv
import io

import pytest

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER_API = "/api/billing/coworkerledgerentries"
INVOICES_API = "/api/billing/coworkerinvoices"

NOTES = '=1+1<script>alert("notes")</script>"\'><img src=x onerror=alert(2)>'
TOKEN = '"\'><script>alert("tok")</script>tail'
DESCRIPTION = '@SUM(A1)<script>alert("desc")</script>"\'><img src=x onerror=alert(3)>'
CODE = '"><svg onload=alert(4)>'
#: Never allowed in a page: each would run or break out of an attribute.
RAW = ("<script>alert(", "<img src=x onerror", "<svg onload", "\"'><")


@pytest.fixture
def hostile(transactional_db, upstream):
    invoice = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_Paid": "false", "size": 1}).json()
    invoice = invoice["Records"][0]
    token = upstream.api(
        "POST",
        TOKENS_API,
        json={"CoworkerInvoiceId": invoice["Id"], "RegularPaymentProvider": 2, "Token": TOKEN, "Notes": NOTES},
    )
    assert token.ok, token.text
    entry = upstream.api(
        "POST",
        LEDGER_API,
        json={
            "BusinessId": invoice["BusinessId"],
            "CoworkerId": invoice["CoworkerId"],
            "CoworkerInvoiceId": invoice["Id"],
            "Description": DESCRIPTION,
            "Code": CODE,
            "Debit": 0,
            "Credit": 1,
            "Balance": 0,
        },
    )
    assert entry.ok, entry.text
    return {
        "invoice": invoice["Id"],
        "coworker": invoice["CoworkerId"],
        "business": invoice["BusinessId"],
        "token": token.json()["Value"]["Id"] if "Value" in token.json() else token.json()["Id"],
        "entry": entry.json()["Value"]["Id"] if "Value" in entry.json() else entry.json()["Id"],
    }


def _assert_inert(response, label: str, *, shows: str | None = None) -> None:
    assert response.status_code == 200, f"{label}: HTTP {response.status_code}"
    html = response.content.decode()
    for marker in RAW:
        assert marker not in html, f"{label}: {marker!r} reached the page unescaped"
    if shows:
        assert shows in html, f"{label}: the hostile text is not on the page at all (escaped)"


PAGES = {
    "token search": ("/payment-tokens/?coworker_invoice_id={invoice}", "&lt;script&gt;alert(&quot;notes"),
    "token detail": ("/payment-tokens/{token}/", "&lt;script&gt;alert(&quot;notes"),
    "token reveal": ("/payment-tokens/{token}/token/", "&lt;script&gt;alert(&quot;tok"),
    "ledger search": ("/ledger-entries/?coworker={coworker}", "&lt;script&gt;alert(&quot;desc"),
    "ledger detail": ("/ledger-entries/{entry}/", "&lt;script&gt;alert(&quot;desc"),
    "customer ledger": ("/customers/{coworker}/ledger/?business={business}", "&lt;script&gt;alert(&quot;desc"),
    "invoice page": ("/invoices/{invoice}/?providers=1", "&lt;script&gt;alert(&quot;notes"),
    "invoice tokens": ("/invoices/{invoice}/tokens/", "&lt;script&gt;alert(&quot;notes"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_upstream_text_renders_inert(ops_client, hostile, page):
    path, shows = PAGES[page]
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = ops_client.get(path.format(**hostile), **headers)
        if response.status_code == 302:  # a full-page-only URL sends htmx-less requests elsewhere
            response = ops_client.get(response["Location"])
        _assert_inert(response, f"{page} ({'htmx' if headers else 'page'})", shows=shows)


def test_hostile_text_typed_into_a_form_is_inert_in_the_audit_trail(ops_client, hostile):
    form = ops_client.get("/payment-tokens/new/").content.decode()
    key = form.split('name="submission_key" value="')[1].split('"')[0]
    created = ops_client.post(
        "/payment-tokens/new/",
        {"coworker_invoice_id": hostile["invoice"], "token": TOKEN, "notes": NOTES, "submission_key": key},
    )
    assert created.status_code == 302
    _assert_inert(ops_client.get(created["Location"]), "created token page", shows="&lt;script&gt;")
    _assert_inert(ops_client.get("/audit/"), "audit trail")


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("path", "text", "prefix"),
    [
        ("/payment-tokens/?coworker_invoice_id={invoice}&export=csv", NOTES, "=1+1"),
        ("/ledger-entries/?coworker={coworker}&export=csv", DESCRIPTION, "@SUM"),
    ],
)
def test_hostile_upstream_text_is_neutralised_in_csv_exports(ops_client, hostile, path, text, prefix):
    response = ops_client.get(path.format(**hostile))
    assert response.status_code == 200 and "text/csv" in response["Content-Type"]
    rows = [row for row in _csv_rows(response) if row and not row[0].startswith("#")]
    header, records = rows[0], rows[1:]
    assert records and all(len(row) == len(header) for row in records), "quotes broke the CSV columns"
    cells = [cell for row in records for cell in row]
    assert f"'{text}" in cells, "a formula-looking cell must be prefixed so spreadsheets show it as text"
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert TOKEN not in cells and not any('alert("tok")' in cell for cell in cells), "tokens stay masked"
