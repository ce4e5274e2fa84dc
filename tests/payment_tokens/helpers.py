"""Reading the dashboard's pages and the sandbox's records in payment token tests."""

from __future__ import annotations

import re

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
ROW_ID = re.compile(r'<td ><a href="/payment-tokens/(\d+)/">')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def row_ids(response) -> list[int]:
    return [int(i) for i in ROW_ID.findall(response.content.decode())]


def api_ids(upstream, **params) -> list[int]:
    response = upstream.api("GET", TOKENS_API, params=params)
    response.raise_for_status()
    return [record["Id"] for record in response.json()["Records"]]


def api_total(upstream, **params) -> int:
    response = upstream.api("GET", TOKENS_API, params={"size": 1, **params})
    response.raise_for_status()
    return response.json()["TotalItems"]


def fresh_key(client) -> str:
    return KEY.search(client.get("/payment-tokens/new/").content.decode()).group(1)


def calls(upstream, endpoint: str) -> int:
    return upstream.counters()["by_endpoint"].get(endpoint, 0)


SEARCH = f"GET {TOKENS_API}"
CREATE = f"POST {TOKENS_API}"
GET_ONE = f"GET {TOKENS_API}/{{id}}"
