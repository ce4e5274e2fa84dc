"""A customer's invoices on their page: those to pay first, each with its verdict, in one search."""

from __future__ import annotations

import re

from .helpers import INVOICES_API


def _a_customer_with_unpaid_and_paid(upstream) -> int:
    records = upstream.api("GET", INVOICES_API, params={"size": 1000}).json()["Records"]
    by_customer: dict[int, set[bool]] = {}
    for r in records:
        if not (r["Draft"] or r["Void"] or r["CreditNote"]):
            by_customer.setdefault(r["CoworkerId"], set()).add(bool(r["Paid"]))
    return next(c for c, states in by_customer.items() if states == {True, False})


def test_unpaid_invoices_come_first_with_their_verdicts(agent_client, upstream):
    coworker_id = _a_customer_with_unpaid_and_paid(upstream)
    upstream.reset_counters()
    fragment = agent_client.get(f"/customers/{coworker_id}/invoices/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert upstream.counters()["total"] == 1
    kinds = re.findall(r'<tr data-verdict="([a-z_]+)">', fragment.content.decode())
    assert "paid" in kinds and any(k in kinds for k in ("unpaid", "overdue", "part_paid"))
    first_paid = kinds.index("paid")
    assert all(k not in ("unpaid", "overdue", "part_paid") for k in kinds[first_paid:])


def test_the_customer_page_loads_their_invoices_and_links_to_the_entry_search(agent_client, upstream):
    coworker_id = _a_customer_with_unpaid_and_paid(upstream)
    page = agent_client.get(f"/customers/{coworker_id}/ledger/").content.decode()
    assert f'hx-get="/customers/{coworker_id}/invoices/"' in page
    assert f"/ledger-entries/?coworker={coworker_id}&amp;business=" in page


def test_without_htmx_the_invoices_are_a_page_of_their_own(agent_client, upstream):
    coworker_id = _a_customer_with_unpaid_and_paid(upstream)
    page = agent_client.get(f"/customers/{coworker_id}/invoices/").content.decode()
    assert "<h1>Invoices</h1>" in page and "data-verdict=" in page


def test_the_entry_search_link_filters_by_customer_and_business(agent_client, upstream):
    coworker_id = _a_customer_with_unpaid_and_paid(upstream)
    page = agent_client.get(f"/customers/{coworker_id}/ledger/").content.decode()
    link = re.search(r'href="(/ledger-entries/\?coworker=\d+&amp;business=\d+)"', page).group(1).replace("&amp;", "&")
    upstream.reset_counters()
    found = agent_client.get(link).content.decode()
    assert "field-error" not in found and "Check the filters" not in found
    assert upstream.counters()["total"] >= 1
