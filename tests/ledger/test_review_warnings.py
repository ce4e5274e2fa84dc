"""The review step's warnings about amounts (issue 19): a credit beyond what is outstanding, an invoice
already paid, and the same amount recorded for the customer in the last days (a possible duplicate)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import INVOICES_API, api_page, entry_data, fresh_key, post_entry, review_and_confirm, unpaid_invoice


@pytest.fixture
def invoice(upstream):
    return unpaid_invoice(upstream, "GBP")


def _review(client, data) -> str:
    return post_entry(client, data, action="review", key=fresh_key(client)).content.decode()


def _outstanding(invoice) -> Decimal:
    return Decimal(str(invoice["TotalAmount"])) - Decimal(str(invoice.get("PaidAmount") or 0))


def test_a_credit_larger_than_the_invoice_outstanding_is_warned(ops_client, invoice):
    too_much = (_outstanding(invoice) + Decimal("5000")).quantize(Decimal("0.01"))
    html = _review(ops_client, entry_data(invoice, credit=str(too_much)))
    assert "is more than the" in html and "outstanding on invoice" in html


def test_a_credit_within_the_outstanding_is_not_warned(ops_client, invoice):
    html = _review(ops_client, entry_data(invoice, credit="0.01"))
    assert "outstanding on invoice" not in html


def test_a_credit_on_a_paid_invoice_is_warned(ops_client, upstream):
    records = api_page(upstream, INVOICES_API, CoworkerInvoice_Paid="true", size=50)["Records"]
    paid = next(r for r in records if r.get("CoworkerId") and r.get("BusinessId") and not r.get("Void"))
    html = _review(ops_client, entry_data(paid, credit="1.00"))
    assert "is already paid" in html


def test_the_same_amount_just_recorded_for_the_customer_is_flagged_as_a_possible_duplicate(ops_client, invoice):
    data = entry_data(invoice, credit="13.37", description="First of two")
    first = _review(ops_client, data)
    assert "is this a duplicate?" not in first
    review_and_confirm(ops_client, data)
    again = _review(ops_client, entry_data(invoice, credit="13.37", description="Second of two"))
    assert "is this a duplicate?" in again and "First of two" in again
    other = _review(ops_client, entry_data(invoice, credit="13.38"))
    assert "is this a duplicate?" not in other
