"""Saving while someone else holds the customer's ledger: a clear refusal, nothing written, the form kept,
and the same form saves once the ledger is free (its one-time key was released)."""

from __future__ import annotations

import html

import pytest

from dashboard.ledger.services import ledger_lock_name
from tests.runtime.test_locks import held_elsewhere

from .helpers import CREATE, calls, created_id, entry_data, fresh_key, post_entry, unpaid_invoice

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "Someone else is writing to this customer's ledger right now; nothing was saved — try again"


def test_a_save_that_cannot_have_the_ledger_in_time_is_refused_and_can_be_sent_again(ops_client, upstream, settings):
    settings.LEDGER_WRITE_LOCK_TIMEOUT = 0.3
    invoice = unpaid_invoice(upstream, "GBP")
    data = entry_data(invoice, coworker_invoice_id="", credit="4.00", description="Busy ledger")
    key = fresh_key(ops_client)
    post_entry(ops_client, data, action="review", key=key)
    upstream.reset_counters()

    with held_elsewhere(ledger_lock_name(coworker_id=invoice["CoworkerId"], business_id=invoice["BusinessId"])):
        refused = post_entry(ops_client, data, action="confirm", key=key)
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 200 and BUSY in page
    assert calls(upstream, CREATE) == 0
    assert "Save this entry in Nexudus" in page and 'value="Busy ledger"' in page  # the form is kept

    saved = post_entry(ops_client, data, action="confirm", key=key)
    assert created_id(saved)
    assert calls(upstream, CREATE) == 1
