"""Reading the dashboard's ledger pages and the sandbox's records in ledger tests."""

from __future__ import annotations

import re
from decimal import Decimal

LEDGER_API = "/api/billing/coworkerledgerentries"
INVOICES_API = "/api/billing/coworkerinvoices"
SEARCH = f"GET {LEDGER_API}"
CREATE = f"POST {LEDGER_API}"
GET_ONE = f"GET {LEDGER_API}/{{id}}"
NEW_URL = "/ledger-entries/new/"

ROW_ID = re.compile(r'<td ><a href="/ledger-entries/(\d+)/">')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def row_ids(response) -> list[int]:
    return [int(i) for i in ROW_ID.findall(response.content.decode())]


def api_page(upstream, path: str = LEDGER_API, **params) -> dict:
    response = upstream.api("GET", path, params=params)
    response.raise_for_status()
    return response.json()


def api_ids(upstream, **params) -> list[int]:
    return [record["Id"] for record in api_page(upstream, **params)["Records"]]


def api_total(upstream, **params) -> int:
    return api_page(upstream, size=1, **params)["TotalItems"]


def calls(upstream, endpoint: str | None = None) -> int:
    counters = upstream.counters()
    return counters["total"] if endpoint is None else counters["by_endpoint"].get(endpoint, 0)


def fresh_key(client) -> str:
    return KEY.search(client.get(NEW_URL).content.decode()).group(1)


def current_balance(upstream, coworker_id: int, business_id: int) -> Decimal:
    """The balance Nexudus holds now: the newest entry's, in chain order (transaction date, then id)."""
    records = api_page(
        upstream,
        CoworkerLedgerEntry_Coworker=coworker_id,
        CoworkerLedgerEntry_Business=business_id,
        orderBy="TransactionDate",
        dir=-1,
        size=50,
    )["Records"]
    if not records:
        return Decimal("0")
    newest = max(records, key=lambda r: (r["TransactionDate"], r["Id"]))
    return Decimal(str(newest["Balance"]))


def unpaid_invoice(upstream, currency: str = "GBP") -> dict:
    """An open (unpaid, not draft/void) invoice of a business in `currency`."""
    for record in api_page(upstream, INVOICES_API, CoworkerInvoice_Paid="false", size=200)["Records"]:
        if record.get("CurrencyCode") == currency and not record.get("Draft") and not record.get("Void"):
            return record
    raise AssertionError(f"The seed has no open {currency} invoice")


def entry_data(invoice: dict, **overrides) -> dict:
    """A valid form: a credit of the invoice's total for its customer at its business."""
    data = {
        "business_id": invoice["BusinessId"],
        "coworker_id": invoice["CoworkerId"],
        "coworker_invoice_id": invoice["Id"],
        "description": "Payment received",
        "code": "PAYM",
        "debit": "0",
        "credit": str(Decimal(str(invoice["TotalAmount"])).quantize(Decimal("0.01"))),
        "payment_gateway": "11",
        "payment_method_number": "",
        "transaction_date": "",
        "transaction_date_local": "",
        "connected_transaction_guid": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_entry(client, data: dict, *, action: str, key: str, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(NEW_URL, {**data, "submission_key": key, "action": action}, **headers)


def review_and_confirm(client, data: dict, key: str | None = None, htmx: bool = False):
    key = key or fresh_key(client)
    review = post_entry(client, data, action="review", key=key, htmx=htmx)
    assert "Save this entry in Nexudus" in review.content.decode(), review.content.decode()[-3000:]
    return post_entry(client, data, action="confirm", key=key, htmx=htmx)


CREATED_ID = re.compile(r'class="created-id">(\d+)<')


def created_id(response) -> int:
    match = CREATED_ID.search(response.content.decode())
    assert match, response.content.decode()[-3000:]
    return int(match.group(1))


def entry_at_another_business(upstream, coworker_id: int, home: int) -> int:
    """Give the customer an entry at a business other than `home` (through the API as admin); its id."""
    other = 1001 if home != 1001 else 1002
    body = {
        "BusinessId": other,
        "CoworkerId": coworker_id,
        "Description": "Day pass elsewhere",
        "Code": "CHRG",
        "Debit": 25,
        "Credit": 0,
        "Balance": 25,
        "TransactionDate": "2025-06-01T10:00:00Z",
    }
    assert upstream.api("POST", LEDGER_API, json=body).json()["WasSuccessful"]
    return other
