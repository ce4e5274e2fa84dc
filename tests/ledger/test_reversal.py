"""Reversing a ledger entry (issue 19): the opposite entry through the same review and locked write,
linked by ConnectedTransactionGuid, shown on both entries, and never twice."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from .helpers import LEDGER_API, NEW_URL, created_id, entry_data, post_entry, review_and_confirm, unpaid_invoice


@pytest.fixture
def original(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    done = review_and_confirm(ops_client, entry_data(invoice, credit="21.50", description="Wrong credit"))
    return upstream.api("GET", f"{LEDGER_API}/{created_id(done)}").json()


def _form_data(html: str) -> dict:
    """What the prefilled form would send (inputs with values, selected options)."""
    data = dict(re.findall(r'<input type="(?:text|hidden|number|search)?[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', html))
    for name, block in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        if selected := re.search(r'<option value="([^"]*)" selected>', block):
            data[name] = selected.group(1)
    data.pop("q", None)
    return {name: value.replace("&amp;", "&") for name, value in data.items()}


def test_an_entry_is_reversed_once_linked_both_ways(ops_client, upstream, original):
    detail = ops_client.get(f"/ledger-entries/{original['Id']}/").content.decode()
    assert f'href="{NEW_URL}?reverses={original["Id"]}"' in detail and "Reverse this entry" in detail

    form = ops_client.get(f"{NEW_URL}?reverses={original['Id']}").content.decode()
    assert "This entry reverses" in form
    data = _form_data(form)
    assert Decimal(data["debit"]) == Decimal("21.50") and Decimal(data.get("credit") or "0") == 0
    assert data["connected_transaction_guid"] == original["UniqueId"]
    assert data["description"].startswith(f"Reversal of entry {original['Id']}")

    key = data.pop("submission_key")
    review = post_entry(ops_client, data, action="review", key=key).content.decode()
    assert "Save this entry in Nexudus" in review and "This entry reverses" in review
    done = post_entry(ops_client, data, action="confirm", key=key)
    reversal_id = created_id(done)
    reversal = upstream.api("GET", f"{LEDGER_API}/{reversal_id}").json()
    assert reversal["ConnectedTransactionGuid"].lower() == original["UniqueId"].lower()
    assert (reversal["Debit"], reversal["Credit"]) == (original["Credit"], original["Debit"])

    # Both entries show the link; the original is marked reversed and offers no second reversal.
    detail = ops_client.get(f"/ledger-entries/{original['Id']}/").content.decode()
    assert "Reversed by" in detail and f'href="/ledger-entries/{reversal_id}/"' in detail
    assert "Reverse this entry" not in detail
    other = ops_client.get(f"/ledger-entries/{reversal_id}/").content.decode()
    assert f'href="/ledger-entries/{original["Id"]}/"' in other and "This entry reverses" in other

    # A second reversal is refused, on the form and on a posted review (nothing written).
    again = ops_client.get(f"{NEW_URL}?reverses={original['Id']}").content.decode()
    assert "was already reversed by" in again and "Review the entry" not in again
    data2 = _form_data(again)
    key2 = data2.pop("submission_key")
    refused = post_entry(ops_client, data2, action="confirm", key=key2).content.decode()
    assert "was already reversed by" in refused
    connected = upstream.api(
        "GET", LEDGER_API, params={"CoworkerLedgerEntry_ConnectedTransactionGuid": original["UniqueId"], "size": 10}
    ).json()["Records"]
    assert [record["Id"] for record in connected] == [reversal_id]  # still the one reversal


def test_a_reversal_whose_amounts_were_changed_is_refused(ops_client, upstream, original):
    data = _form_data(ops_client.get(f"{NEW_URL}?reverses={original['Id']}").content.decode())
    key = data.pop("submission_key")
    data["debit"] = "99.00"
    html = post_entry(ops_client, data, action="review", key=key).content.decode()
    assert "A reversal swaps entry" in html and "Save this entry in Nexudus" not in html
