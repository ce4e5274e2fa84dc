"""Every URL of the dashboard, discovered from the URL map, with sample values for its path parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

#: Reachable without a session, on purpose.
PUBLIC = {"accounts:signin", "accounts:signout", "core:healthz"}
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Page:
    name: str
    route: str  # e.g. "payment-tokens/<int:token_id>/"

    def path(self, **ids: int) -> str:
        """The route with each path parameter filled in (`ids` by parameter name, default 1)."""
        return "/" + _CONVERTER.sub(lambda m: str(ids.get(m.group(1), 1)), self.route)


def all_pages() -> list[Page]:
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Page(name, prefix + str(pattern.pattern))

    return sorted(walk(get_resolver().url_patterns), key=lambda page: page.name)


def private_pages() -> list[Page]:
    return [page for page in all_pages() if page.name not in PUBLIC]


def sample_ids(upstream) -> dict[str, int]:
    """Ids of real seed records, keyed by the path parameter names the URL map uses."""

    def first(path: str, key: str = "Id") -> int:
        response = upstream.api("GET", path, params={"size": 1})
        response.raise_for_status()
        return response.json()["Records"][0][key]

    entry_api = "/api/billing/coworkerledgerentries"
    return {
        "token_id": first("/api/billing/coworkerinvoicepaymenttokens"),
        "entry_id": first(entry_api),
        "coworker_id": first(entry_api, "CoworkerId"),
        "invoice_id": first(entry_api, "CoworkerInvoiceId") or 300001,
    }
