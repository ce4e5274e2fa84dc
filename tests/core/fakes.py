"""In-process stand-ins for the Nexudus client, for unit tests of the shared machinery."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.nexudus.records import Page, PaymentToken
from tests.records import make_payment_token

BASE = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def make_tokens(count: int) -> list[PaymentToken]:
    return [
        make_payment_token(
            id=i,
            coworker_invoice_id=1000 + i % 7,
            token=f"tok_{i:08d}secret",
            notes=f"note {i}",
            created_on=BASE + timedelta(hours=i),
            updated_on=BASE + timedelta(hours=i),
            updated_by="ops@sandbox.test",
        )
        for i in range(1, count + 1)
    ]


def page_of(rows: list, query, *, at_least_one_page: bool = False) -> Page:
    """The query's page of `rows`, as Nexudus pages them (`at_least_one_page`: an empty result is page 1 of 1)."""
    total = len(rows)
    start = (query.page - 1) * query.size
    pages = (total + query.size - 1) // query.size
    if at_least_one_page:
        pages = max(1, pages)
    return Page(
        items=rows[start : start + query.size],
        page=query.page,
        size=query.size,
        total_items=total,
        total_pages=pages,
        has_next=query.page < pages,
        has_previous=query.page > 1,
    )


class FakePaymentTokenSearch:
    """Pages through an in-memory list like Nexudus does, and records every query it was asked."""

    def __init__(self, records: list[PaymentToken]) -> None:
        self.records = records
        self.queries: list[PaymentTokenQuery] = []

    def __call__(self, query: PaymentTokenQuery) -> Page[PaymentToken]:
        self.queries.append(query)
        rows = list(self.records)
        if query.coworker_invoice_id:
            rows = [r for r in rows if r.coworker_invoice_id == query.coworker_invoice_id]
        if query.order_by:
            rows.sort(key=lambda r: getattr(r, query.order_by), reverse=query.descending)
        return page_of(rows, query)


@dataclasses.dataclass
class FakeClient:
    search: FakePaymentTokenSearch

    def search_payment_tokens(self, query):
        return self.search(query)
