"""The review step states the balance it will write, and warns when an entry would land inside the chain."""

from __future__ import annotations

import html
from decimal import Decimal

from .helpers import current_balance, entry_data, fresh_key, post_entry, unpaid_invoice


def test_the_review_shows_the_balance_that_will_be_written(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    before = current_balance(upstream, invoice["CoworkerId"], invoice["BusinessId"])
    data = entry_data(invoice, coworker_invoice_id="", debit="10.00", credit="2.50", description="Shown balance")
    page = post_entry(ops_client, data, action="review", key=fresh_key(ops_client)).content.decode()
    assert f'data-balance-before="{before}"' in page
    assert f'data-balance-after="{before + Decimal("7.50")}"' in page
    assert "Balance to be written" in page


def test_a_back_dated_entry_is_warned_about_at_review(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    data = entry_data(invoice, coworker_invoice_id="", credit="1.00", transaction_date="2020-01-01T00:00")
    page = html.unescape(post_entry(ops_client, data, action="review", key=fresh_key(ops_client)).content.decode())
    assert "This entry is dated before the customer's newest entry" in page
    assert "will stop adding up here" in page

    now = entry_data(invoice, coworker_invoice_id="", credit="1.00")
    page = html.unescape(post_entry(ops_client, now, action="review", key=fresh_key(ops_client)).content.decode())
    assert "dated before the customer's newest entry" not in page
