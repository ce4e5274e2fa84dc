"""The chain check where ledgers are shown, against the sandbox's seeded broken chains."""

from __future__ import annotations

import html

from dashboard.ledger.wording import balance_state

from .broken_chains import seeded_breaks
from .helpers import unpaid_invoice


def test_the_seed_has_one_broken_chain_per_currency(upstream):
    assert sorted(b.currency for b in seeded_breaks(upstream)) == ["EUR", "GBP", "USD"]


def test_each_broken_chain_is_named_on_the_customer_page_in_its_currency(ops_client, upstream):
    for broken in seeded_breaks(upstream):
        page = html.unescape(
            ops_client.get(f"/customers/{broken.coworker_id}/ledger/?business={broken.business_id}").content.decode()
        )
        assert f"Balances stop adding up at entry {broken.entry_id} (" in page
        assert (
            f"expected {balance_state(broken.expected, broken.currency)}, "
            f"Nexudus shows {balance_state(broken.shown, broken.currency)}"
        ) in page
        assert "by the entries; Nexudus shows" in page


def test_a_ledger_that_adds_up_shows_no_warning(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    page = ops_client.get(f"/customers/{invoice['CoworkerId']}/ledger/?business={invoice['BusinessId']}")
    text = page.content.decode()
    assert page.status_code == 200 and "customer-balance" in text
    assert "Balances stop adding up" not in text and "by the entries" not in text
