"""Shared ground of the seed generator: sizes, fixed epoch, id ranges and random helpers."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
STAFF = ["admin@sandbox.test", "ops@sandbox.test", "billing@canalworks.co.uk"]
FIRST_IDS = {"businesses": 1001, "coworkers": 20001, "invoices": 300001, "tokens": 700001, "ledger": 1000001}


@dataclass(frozen=True)
class Scale:
    coworkers: int
    invoices: int
    tokens: int
    ledger: int
    large: bool


SCALES = {"small": Scale(300, 2000, 3000, 20000, False), "large": Scale(3000, 20000, 30000, 200000, True)}


class SeedBase:
    """State and random helpers every part of the generator shares."""

    def __init__(self, seed: int, scale: Scale, epoch: datetime) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.epoch = epoch
        self.businesses: list[tuple] = []
        self.coworkers: list[tuple] = []
        self.invoices: list[list] = []
        self.ledger: list[list] = []  # [date, business_id, coworker_id, invoice_id, desc, code, debit, credit, ...]
        self.zones: dict[int, str] = {}
        self.joined: dict[int, datetime] = {}

    # --- helpers ---------------------------------------------------------------------------------

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def between(self, start: datetime, end: datetime) -> datetime:
        seconds = max(int((end - start).total_seconds()), 1)
        return (start + timedelta(seconds=self.rng.randrange(seconds))).replace(microsecond=0)

    def weighted(self, pairs: list[tuple[int, int]]) -> int:
        return self.rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]

    def chars(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    # --- entities ----------------------------------------------------------------------------------
