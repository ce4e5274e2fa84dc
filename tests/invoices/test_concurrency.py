"""The invoice page's three reads (and quick find's searches) are in flight together.

Proved without a clock: each read waits at a barrier until all of them have started. Run one after the
other, the first would wait alone and the barrier would break (the test fails)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from dashboard.accounts.session import nexudus_client
from dashboard.invoices import views
from dashboard.invoices.find import find_records
from dashboard.invoices.selectors import invoice_payments
from dashboard.nexudus.errors import NexudusNotFound
from dashboard.nexudus.records import Invoice, Page
from dashboard.runtime.pool import fan_out
from tests.records import make_invoice

from .helpers import TOKENS_API, verdict_of


def empty_page():
    return Page(items=[], page=1, size=25, total_items=0, total_pages=0, has_next=False, has_previous=False)


def an_invoice(invoice_id: int = 1) -> Invoice:
    return make_invoice(
        id=invoice_id, invoice_number="INV-00001", currency_code="GBP", total_amount=Decimal("10"),
        paid_amount=Decimal("10"), paid=True, paid_on=datetime(2025, 1, 15, tzinfo=UTC),
    )


class Rendezvous:
    """Wraps a client: every read first waits until `parties` reads are in flight at once."""

    def __init__(self, client, parties: int) -> None:
        self.client = client
        self.barrier = threading.Barrier(parties, timeout=5)
        self.threads: set[int] = set()

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name == "prepare":  # readies the token on the request's thread; not a read
            return method

        def call(*args, **kwargs):
            self.threads.add(threading.get_ident())
            self.barrier.wait()  # BrokenBarrierError if the reads were made one after the other
            return method(*args, **kwargs)

        return call


class FakeReads:
    def get_invoice(self, invoice_id):
        return an_invoice(invoice_id)

    def search_payment_tokens(self, query):
        return empty_page()

    def search_ledger_entries(self, query):
        return empty_page()

    def search_invoices(self, query):
        return empty_page()

    def get_ledger_entry(self, entry_id):
        raise NexudusNotFound()

    def get_payment_token(self, token_id):
        raise NexudusNotFound()


def test_invoice_token_and_ledger_reads_are_in_flight_together():
    client = Rendezvous(FakeReads(), parties=3)
    payments = invoice_payments(client=client, invoice_id=7)
    assert payments.invoice.id == 7
    assert len(client.threads) == 3


def test_a_sequential_fan_out_would_be_caught():
    barrier = threading.Barrier(2, timeout=0.2)
    outcomes = fan_out({"only": lambda: barrier.wait()})  # one party alone never gets through
    assert isinstance(outcomes["only"].error, threading.BrokenBarrierError)


def test_quick_find_searches_every_reading_of_the_input_at_once():
    # "4242": an id of three kinds, part of an invoice number, and the end of a token: five reads.
    client = Rendezvous(FakeReads(), parties=5)
    result = find_records(client=client, text="4242")
    assert result.candidates[0].id == 4242 and len(client.threads) == 5


def test_the_invoice_page_over_real_http_has_its_three_requests_in_flight_together(agent_client, upstream, monkeypatch):
    upstream.configure(latency_ms=50)
    invoice_id = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]["CoworkerInvoiceId"]
    seen: list[Rendezvous] = []

    def rendezvous_client(request):
        seen.append(Rendezvous(nexudus_client(request), parties=3))
        return seen[-1]

    monkeypatch.setattr(views, "nexudus_client", rendezvous_client)
    response = agent_client.get(f"/invoices/{invoice_id}/")
    assert response.status_code == 200, response.content[:500]
    assert verdict_of(response)
    assert len(seen[0].threads) == 3


@pytest.mark.parametrize("parties", [2, 4])
def test_fan_out_keeps_each_outcome_by_name_and_in_order(parties):
    barrier = threading.Barrier(parties, timeout=5)
    calls = {f"call{i}": (lambda i=i: (barrier.wait(), i)[1]) for i in range(parties)}
    outcomes = fan_out(calls)
    assert list(outcomes) == list(calls)
    assert [o.get() for o in outcomes.values()] == list(range(parties))
