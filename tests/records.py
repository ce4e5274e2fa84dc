"""Nexudus records built in-process for unit tests: every field has a neutral default (no money, no
dates, nothing set), so a test names only the values its behaviour depends on."""

from __future__ import annotations

from decimal import Decimal

from dashboard.nexudus.records import Invoice, LedgerEntry, PaymentToken

ZERO = Decimal("0")


def make_invoice(**values) -> Invoice:
    defaults = dict(
        id=1,
        invoice_number=None,
        coworker_id=None,
        coworker_full_name=None,
        business_id=None,
        business_name=None,
        bill_to_name=None,
        currency_code=None,
        total_amount=ZERO,
        paid_amount=ZERO,
        paid=False,
        paid_on=None,
        due_date=None,
        refunded=False,
        refunded_on=None,
        refunded_amount=ZERO,
        draft=False,
        void=False,
        credit_note=False,
        created_on=None,
        updated_on=None,
    )
    return Invoice(**{**defaults, **values})


def make_ledger_entry(**values) -> LedgerEntry:
    defaults = dict(
        id=1,
        business_id=None,
        business_name=None,
        currency_code=None,
        coworker_id=None,
        coworker_full_name=None,
        coworker_invoice_id=None,
        invoice_number=None,
        invoice_total_amount=None,
        invoice_bill_to_name=None,
        invoice_paid=None,
        invoice_paid_on=None,
        invoice_refunded=None,
        invoice_refunded_on=None,
        invoice_due_date=None,
        description="",
        code="",
        debit=ZERO,
        credit=ZERO,
        balance=ZERO,
        payment_gateway=None,
        payment_method_number=None,
        transaction_date=None,
        transaction_date_local=None,
        billed=False,
        connected_transaction_guid=None,
        created_on=None,
        updated_on=None,
        updated_by=None,
    )
    return LedgerEntry(**{**defaults, **values})


def make_payment_token(**values) -> PaymentToken:
    defaults = dict(
        id=1,
        coworker_invoice_id=None,
        provider=None,
        token=None,
        notes=None,
        created_on=None,
        updated_on=None,
        updated_by=None,
        unique_id=None,
    )
    return PaymentToken(**{**defaults, **values})
