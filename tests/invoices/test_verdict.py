"""The verdict in words for every state of an invoice (no upstream: records built here)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dashboard.invoices.verdict import invoice_verdict
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider
from dashboard.nexudus.records import Invoice, LedgerEntry
from tests.records import make_invoice, make_ledger_entry, make_payment_token

TODAY = date(2025, 1, 20)


def invoice(**changes) -> Invoice:
    return make_invoice(**{**dict(
        id=300001, invoice_number="INV-00001", coworker_id=20001, coworker_full_name="Jane Doe",
        business_id=1001, business_name="Main St", bill_to_name="Jane Doe", currency_code="GBP",
        total_amount=Decimal("120.00"), due_date=datetime(2025, 1, 23, tzinfo=UTC),
    ), **changes})


def payment(gateway: PaymentProvider | None, when: datetime, entry_id: int = 1) -> LedgerEntry:
    return make_ledger_entry(
        id=entry_id, business_id=1001, business_name="Main St", currency_code="GBP", coworker_id=20001,
        coworker_full_name="Jane Doe", coworker_invoice_id=300001, invoice_number="INV-00001",
        invoice_total_amount=Decimal("120"), invoice_paid=True, invoice_paid_on=when, invoice_refunded=False,
        description="Payment", code="PAYM", credit=Decimal("120"), payment_gateway=gateway,
        transaction_date=when, created_on=when, updated_on=when,
    )


def test_paid_in_full_names_the_day_and_the_gateway_of_the_latest_payment():
    paid_on = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
    entries = [
        payment(PaymentProvider.Cash, datetime(2025, 1, 2, tzinfo=UTC), 1),
        payment(PaymentProvider.Stripe, paid_on, 2),
    ]
    verdict = invoice_verdict(invoice(paid=True, paid_on=paid_on, paid_amount=Decimal("120")), entries, today=TODAY)
    assert (verdict.kind, verdict.text) == ("paid", "Paid in full on 15 Jan 2025 by Stripe")


def test_paid_falls_back_to_the_token_provider_and_to_no_provider_at_all():
    paid = invoice(paid=True, paid_on=datetime(2025, 1, 15, tzinfo=UTC), paid_amount=Decimal("120"))
    token = make_payment_token(
        id=1, coworker_invoice_id=300001, provider=RegularPaymentProvider.GoCardless, token="MD0001"
    )
    assert invoice_verdict(paid, [], [token], today=TODAY).text == "Paid in full on 15 Jan 2025 by GoCardless"
    assert invoice_verdict(paid, [payment(None, datetime(2025, 1, 15, tzinfo=UTC))], today=TODAY).text == (
        "Paid in full on 15 Jan 2025"
    )


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2025, 1, 23), "Unpaid, due in 3 days"),
        (date(2025, 1, 21), "Unpaid, due tomorrow"),
        (date(2025, 1, 20), "Unpaid, due today"),
        (date(2025, 1, 19), "Unpaid, 1 day overdue"),
        (date(2025, 1, 8), "Unpaid, 12 days overdue"),
    ],
)
def test_unpaid_says_when_it_is_due_or_how_late_it_is(due, expected):
    verdict = invoice_verdict(invoice(due_date=datetime.combine(due, datetime.min.time(), UTC)), today=TODAY)
    assert verdict.text == expected
    assert verdict.kind == ("overdue" if "overdue" in expected else "unpaid")


def test_part_paid_states_what_is_outstanding_of_the_total():
    verdict = invoice_verdict(invoice(paid_amount=Decimal("80.00")), today=TODAY)
    assert (verdict.kind, verdict.text) == ("part_paid", "Part paid: GBP 40.00 of 120.00 outstanding, due in 3 days")


@pytest.mark.parametrize(
    ("changes", "kind", "text"),
    [
        (
            {
                "refunded": True,
                "paid": True,
                "refunded_on": datetime(2025, 2, 3, tzinfo=UTC),
                "refunded_amount": Decimal("120"),
            },
            "refunded",
            "Refunded on 3 Feb 2025 (GBP 120.00)",
        ),
        ({"void": True}, "void", "Void: this invoice was cancelled, nothing is due"),
        ({"draft": True}, "draft", "Draft: not issued yet, so nothing is due"),
        ({"credit_note": True}, "credit_note", "Credit note for GBP 120.00"),
        ({"total_amount": Decimal("0")}, "nothing_due", "Nothing to pay (total GBP 0.00)"),
    ],
)
def test_other_states_in_words(changes, kind, text):
    verdict = invoice_verdict(invoice(**changes), today=TODAY)
    assert (verdict.kind, verdict.text) == (kind, text)
