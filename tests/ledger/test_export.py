"""The ledger list's CSV export: exactly the filtered entries, money as numbers with a currency column."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
LEDGER_API = "/api/billing/coworkerledgerentries"


def test_export_of_one_customers_entries_matches_nexudus_row_for_row(ops_client, upstream):
    coworker_id = upstream.api("GET", LEDGER_API, params={"size": 1}).json()["Records"][0]["CoworkerId"]
    expected = upstream.api(
        "GET", LEDGER_API, params={"CoworkerLedgerEntry_Coworker": coworker_id, "size": 1000, "orderBy": "Id", "dir": 1}
    ).json()["Records"]

    response = ops_client.get("/ledger-entries/", {"coworker": str(coworker_id), "sort": "id", "export": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(row["Id"]) for row in rows] == [record["Id"] for record in expected]
    credit_column = next(name for name in rows[0] if name.startswith("Credit"))
    assert [Decimal(row[credit_column]) for row in rows] == [Decimal(str(r["Credit"])) for r in expected]
