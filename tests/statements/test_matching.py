"""One test per verdict, and the reference spellings an invoice number is found in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dashboard.statements.matching import InvoiceBook, Verdict, match_line, name_agrees
from tests.records import make_invoice

D = Decimal


def invoice(id, number, total, *, paid_amount="0", coworker_id=1, name="Harry Ahmed", paid=False, currency="GBP"):
    return make_invoice(
        id=id,
        invoice_number=number,
        total_amount=D(total),
        paid_amount=D(paid_amount),
        coworker_id=coworker_id,
        coworker_full_name=name,
        business_id=1001,
        currency_code=currency,
        paid=paid,
    )


BOOK = InvoiceBook(
    [
        invoice(1, "INV-01963", "168.00"),
        invoice(2, "INV-01964", "50.00", paid_amount="20.00"),
        invoice(3, "INV-00500", "90.00", coworker_id=2, name="Emily López"),
        invoice(4, "INV-00501", "90.00", coworker_id=3, name="Emily Lopez-Smith"),
        invoice(5, "INV-00007", "75.00", paid_amount="75.00", paid=True),
        invoice(6, "INV-00800", "42.00", coworker_id=4, name="Jo Bloggs"),
        invoice(7, "INV-00801", "42.00", coworker_id=4, name="Jo Bloggs"),
        invoice(8, "INV-00900", "300.00", coworker_id=5, name="Sam Lee", currency="EUR"),
    ]
)


def verdict(amount, reference="", payer="", currency=None):
    return match_line(amount=D(amount), reference=reference, payer=payer, book=BOOK, currency_code=currency)


@pytest.mark.parametrize(
    "reference",
    [
        "INV-01963",
        "inv-01963",
        "Invoice 1963",
        "payment inv1963 thanks",
        "01963",
        "REF INV 01963 HARRY",
        "invoice no. 1963",
    ],
)
def test_invoice_number_found_in_any_spelling(reference):
    match = verdict("168.00", reference)
    assert match.verdict is Verdict.MATCHED
    assert [(a.invoice.id, a.amount) for a in match.allocations] == [(1, D("168.00"))]


def test_a_bare_small_number_is_not_taken_for_an_invoice():
    assert verdict("168.00", "for 7 days").verdict is Verdict.NO_MATCH


def test_one_line_pays_two_invoices_each_what_it_owes():
    match = verdict("198.00", "INV-01963 and INV-01964")
    assert match.verdict is Verdict.MATCHED
    assert [(a.invoice.id, a.amount) for a in match.allocations] == [(1, D("168.00")), (2, D("30.00"))]


def test_part_payment_is_matched_and_said():
    match = verdict("100.00", "INV-01963")
    assert match.verdict is Verdict.MATCHED and "Part payment" in match.explanation
    assert match.allocations[0].amount == D("100.00")


def test_overpaid_credits_the_excess_to_the_account():
    match = verdict("200.00", "INV-01963")
    assert match.verdict is Verdict.OVERPAID
    assert [(a.invoice.id if a.invoice else None, a.amount) for a in match.allocations] == [
        (1, D("168.00")),
        (None, D("32.00")),
    ]


def test_already_paid():
    match = verdict("75.00", "INV-00007")
    assert match.verdict is Verdict.ALREADY_PAID and not match.allocations
    assert [c.id for c in match.candidates] == [5]


def test_amount_and_payer_name_match_without_a_number():
    match = verdict("90.00", "BANK GIRO", payer="MS E LOPEZ")
    assert match.verdict is Verdict.MATCHED  # Emily López, not Emily Lopez-Smith, who owes the same
    assert match.allocations[0].invoice.id == 3
    match = verdict("168.00", "TRANSFER", payer="AHMED HARRY")
    assert match.verdict is Verdict.MATCHED and match.allocations[0].invoice.id == 1


def test_ambiguous_two_invoices_of_the_same_payer_and_amount():
    match = verdict("42.00", "monthly", payer="Jo Bloggs")
    assert match.verdict is Verdict.AMBIGUOUS and {c.id for c in match.candidates} == {6, 7}


def test_no_match_lists_what_could_be_meant():
    match = verdict("90.00", "unknown", payer="Nobody")
    assert match.verdict is Verdict.NO_MATCH and {c.id for c in match.candidates} == {3, 4}
    assert verdict("12.34", "unknown", payer="Nobody").candidates == ()


def test_money_out_is_not_a_payment():
    assert verdict("-50.00", "INV-01963").verdict is Verdict.NOT_A_PAYMENT


def test_currency_of_the_account_limits_the_invoices():
    assert verdict("300.00", "INV-00900", currency="GBP").verdict is Verdict.NO_MATCH
    assert verdict("300.00", "INV-00900", currency="EUR").verdict is Verdict.MATCHED


@pytest.mark.parametrize(
    "payer, agrees",
    [
        ("MR H AHMED", True),
        ("AHMED HARRY", True),
        ("Harry Ahmed Ltd", True),
        ("H SMITH", False),
        ("", False),
        ("AHMED", False),
    ],
)
def test_payer_names_as_banks_write_them(payer, agrees):
    assert name_agrees(payer, "Harry Ahmed") is agrees
