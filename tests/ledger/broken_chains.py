"""The sandbox's seeded customers whose ledger chain breaks once (see sandbox/seed_ledger.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sandbox.seed_ledger import BROKEN_BY, BROKEN_CHAIN_NOTE

from .helpers import api_page


@dataclass(frozen=True)
class SeededBreak:
    coworker_id: int
    business_id: int
    currency: str
    entry_id: int
    expected: Decimal  # the balance the entry should have had
    shown: Decimal  # the balance the sandbox holds


def seeded_breaks(upstream) -> list[SeededBreak]:
    """Found through the API by the note the seed puts on the breaking entry; expected from its neighbour."""
    found = []
    for record in api_page(upstream, CoworkerLedgerEntry_Description=BROKEN_CHAIN_NOTE.strip(" ()"), size=50)[
        "Records"
    ]:
        chain = api_page(
            upstream,
            CoworkerLedgerEntry_Coworker=record["CoworkerId"],
            CoworkerLedgerEntry_Business=record["BusinessId"],
            size=1000,
        )["Records"]
        chain.sort(key=lambda r: (r["TransactionDate"], r["Id"]))
        previous = chain[[r["Id"] for r in chain].index(record["Id"]) - 1]
        shown = Decimal(str(record["Balance"]))
        expected = Decimal(str(previous["Balance"])) + Decimal(str(record["Debit"])) - Decimal(str(record["Credit"]))
        assert expected - shown == Decimal(BROKEN_BY) / 100
        found.append(
            SeededBreak(
                record["CoworkerId"],
                record["BusinessId"],
                record["BusinessCurrencyCode"],
                record["Id"],
                expected,
                shown,
            )
        )
    return found
