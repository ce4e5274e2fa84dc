"""Finding sandbox invoices in a given state, and reading the dashboard's invoice page."""

from __future__ import annotations

import re
from html import unescape

INVOICES_API = "/api/billing/coworkerinvoices"
LEDGER_API = "/api/billing/coworkerledgerentries"
TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
VERDICT = re.compile(r'<p class="verdict[^"]*"[^>]*><strong>(.*?)</strong></p>', re.S)


def invoices(upstream, **filters) -> list[dict]:
    response = upstream.api("GET", INVOICES_API, params={"size": 1000, **filters})
    response.raise_for_status()
    return response.json()["Records"]


def one_invoice(upstream, predicate, **filters) -> dict:
    return next(record for record in invoices(upstream, **filters) if predicate(record))


def issued(record: dict) -> bool:
    return not record["Draft"] and not record["Void"] and not record["CreditNote"]


def verdict_of(response) -> str:
    match = VERDICT.search(response.content.decode())
    assert match, "the page has no verdict"
    return unescape(match.group(1)).strip()


def calls(upstream, endpoint: str) -> int:
    return upstream.counters()["by_endpoint"].get(endpoint, 0)
