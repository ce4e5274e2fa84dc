"""Tokens on file in words: a token is not a payment; a payment through another gateway is flagged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from dashboard.invoices.verdict import token_notes
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider
from tests.records import make_ledger_entry, make_payment_token

from .helpers import INVOICES_API

NOV_12 = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)


def _stripe_token():
    return make_payment_token(id=1, provider=RegularPaymentProvider.Stripe, created_on=NOV_12)


def test_a_token_without_a_payment_says_no_payment_is_recorded_yet():
    [note] = token_notes([_stripe_token()], [])
    assert (
        note.text
        == "A Stripe token was recorded on 12 Nov 2026; no payment has been recorded against this invoice yet."
    )
    assert not note.mismatch


def test_a_payment_through_the_tokens_provider_is_named():
    entry = make_ledger_entry(
        id=9,
        credit=Decimal("20.00"),
        currency_code="GBP",
        payment_gateway=PaymentProvider.Stripe,
        transaction_date=NOV_12,
    )
    [note] = token_notes([_stripe_token()], [entry])
    assert "a Stripe payment of GBP 20.00 was recorded on 12 Nov 2026" in note.text and not note.mismatch


def test_a_payment_through_another_gateway_is_flagged():
    entry = make_ledger_entry(
        id=9,
        credit=Decimal("20.00"),
        currency_code="GBP",
        payment_gateway=PaymentProvider.Manual,
        transaction_date=NOV_12,
    )
    [note] = token_notes([_stripe_token()], [entry])
    assert note.mismatch and "came through Manual, not Stripe" in note.text


def test_the_invoice_page_explains_its_tokens_and_flags_the_mismatch(agent_client, upstream):
    invoice = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_InvoiceNumber": "INV-01963"}).json()[
        "Records"
    ][0]
    page = agent_client.get(f"/invoices/{invoice['Id']}/?providers=1").content.decode()
    assert "Tokens on file" in page and "not a payment" in page
    notes = re.findall(r'<li[^>]*data-token-note="\d+">(.*?)</li>', page, re.S)
    assert notes, "no token is explained"
    assert any("token was recorded on" in n for n in notes)
    # The seed's INV-01963: Stripe tokens on file, its one payment recorded as Manual.
    assert any(n.startswith("<strong>Check: </strong>") and "came through Manual, not Stripe" in n for n in notes)


def test_the_tokens_fragment_explains_them_too(agent_client, upstream):
    invoice = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_InvoiceNumber": "INV-01963"}).json()[
        "Records"
    ][0]
    fragment = agent_client.get(f"/invoices/{invoice['Id']}/tokens/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-token-note="' in fragment
