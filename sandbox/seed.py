"""Deterministic demo data: locations, customers, invoices, payment tokens and a consistent ledger.

Everything is drawn from `random.Random(seed)` and dated relative to a fixed epoch, so the same seed
always produces byte-identical data. Invoices and the ledger are generated in seed_ledger.py.
"""

from __future__ import annotations

import string
import unicodedata
from datetime import datetime, timedelta

from . import seed_data as data
from .db import Database
from .formats import to_wire
from .seed_base import EPOCH, FIRST_IDS, SCALES, SPAN, STAFF
from .seed_ledger import LedgerSeeding


class Seeder(LedgerSeeding):
    """Locations, customers and payment tokens; invoices and the ledger come from LedgerSeeding."""

    def make_businesses(self) -> None:
        rows = data.BUSINESSES + (data.LARGE_BUSINESSES if self.scale.large else [])
        created = to_wire(self.epoch - SPAN - timedelta(days=90))
        for offset, (name, code, cur_id, country_id, country, zone, web, email, address, phone) in enumerate(rows):
            business_id = FIRST_IDS["businesses"] + offset
            self.zones[business_id] = zone
            self.businesses.append(
                (
                    business_id,
                    self.guid(),
                    name,
                    cur_id,
                    code,
                    country_id,
                    country,
                    zone,
                    f"https://www.{web}",
                    email,
                    address,
                    phone,
                    created,
                    created,
                    STAFF[0],
                )
            )

    def make_coworkers(self) -> None:
        seen: set[str] = set()
        business_ids = [b[0] for b in self.businesses]
        weights = [35, 20, 25, 20, 15, 15][: len(business_ids)]
        for n in range(self.scale.coworkers):
            coworker_id = FIRST_IDS["coworkers"] + n
            first, last = self.rng.choice(data.FIRST_NAMES), self.rng.choice(data.LAST_NAMES)
            local = f"{_ascii(first)}.{_ascii(last)}"
            company, company_domain = None, None
            if self.rng.random() < 0.3:
                word, suffix = self.rng.choice(data.COMPANY_WORDS)
                company = f"{word} {suffix}"
                company_domain = _ascii(word).replace("&", "and") + ".com"
            domain = company_domain or self.rng.choice(data.EMAIL_DOMAINS)
            email = f"{local}@{domain}"
            while email in seen:
                email = f"{local}{self.rng.randint(2, 99)}@{domain}"
            seen.add(email)
            billing = f"accounts@{company_domain}" if company_domain else email
            joined = self.between(self.epoch - SPAN, self.epoch - timedelta(days=20))
            self.joined[coworker_id] = joined
            provider = self.weighted(data.TOKEN_PROVIDERS) if self.rng.random() < 0.7 else 0
            business_id = self.rng.choices(business_ids, weights=weights)[0]
            stamp = to_wire(joined)
            self.coworkers.append(
                (
                    coworker_id,
                    self.guid(),
                    f"{first} {last}",
                    email,
                    2 if company else 1,
                    company,
                    billing,
                    business_id,
                    provider,
                    stamp,
                    stamp,
                    STAFF[0],
                )
            )

    def token_rows(self) -> list[tuple]:
        candidates = [row for row in self.invoices if not row[16] and not row[17]]
        weights = [3 if row[12] else 1 for row in candidates]
        drafts = []
        for invoice in self.rng.choices(candidates, weights=weights, k=self.scale.tokens):
            provider = self.weighted(data.TOKEN_PROVIDERS)
            issued = datetime.fromisoformat(invoice[22].replace("Z", "+00:00"))
            created = to_wire(min(self.between(issued, issued + timedelta(days=3)), self.epoch))
            drafts.append(
                (
                    created,
                    self.guid(),
                    invoice[0],
                    provider,
                    self.token_string(provider, invoice[2]),
                    self.rng.choice(data.TOKEN_NOTES),
                    self.rng.choice(STAFF),
                )
            )
        drafts.sort(key=lambda draft: draft[0])  # ids in creation order, as a real database would have them
        return [
            (FIRST_IDS["tokens"] + n, guid, invoice_id, provider, token, notes, None, created, created, by)
            for n, (created, guid, invoice_id, provider, token, notes, by) in enumerate(drafts)
        ]

    def token_string(self, provider: int, number: str) -> str | None:
        alnum, upper = string.ascii_letters + string.digits, string.ascii_uppercase + string.digits
        makers = {
            2: lambda: self.rng.choice(["pm_1", "tok_1N", "card_1"]) + self.chars(alnum, 22),
            12: lambda: self.rng.choice(["MD000", "CU000"]) + self.chars(upper, 9),
            13: lambda: "pm_1" + self.chars(alnum, 22),
            11: lambda: "ba_1" + self.chars(alnum, 22),
            8: lambda: self.chars(string.ascii_lowercase + string.digits, 7),
            4: lambda: str(self.rng.randint(100000000, 999999999)),
            3: lambda: "mth_" + self.chars(alnum, 20),
            6: lambda: "PA-" + self.chars(upper, 17),
            9: lambda: str(self.rng.randint(10000000, 99999999)),
            96: lambda: f"BACS-{number}",
            98: lambda: f"CHQ {self.rng.randint(100000, 999999)}",
            95: lambda: f"GC-{self.chars(upper, 4)}-{self.chars(upper, 4)}",
            94: lambda: f"CN-{number[4:]}",
            1: lambda: "mg_" + self.chars("0123456789abcdef", 16),
        }
        maker = makers.get(provider)
        return maker() if maker else None


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace("'", "").replace(" ", "")


def seed_database(db: Database, seed: int, scale_name: str, epoch: datetime = EPOCH) -> dict[str, int]:
    """Wipe and fill `db`; returns row counts. One transaction, executemany, indexes afterwards."""
    seeder = Seeder(seed, SCALES[scale_name], epoch)
    seeder.make_businesses()
    seeder.make_coworkers()
    seeder.make_invoices()
    seeder.make_filler()
    ledger = seeder.ledger_rows()
    tokens = seeder.token_rows()
    db.wipe()
    with db.transaction() as conn:
        conn.executemany(f"INSERT INTO businesses VALUES ({_marks(15)})", seeder.businesses)
        conn.executemany(f"INSERT INTO coworkers VALUES ({_marks(12)})", seeder.coworkers)
        conn.executemany(f"INSERT INTO invoices VALUES ({_marks(29)})", [tuple(r) for r in seeder.invoices])
        conn.executemany(f"INSERT INTO tokens VALUES ({_marks(10)})", tokens)
        conn.executemany(f"INSERT INTO ledger VALUES ({_marks(20)})", ledger)
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("seed", str(seed)), ("scale", scale_name), ("epoch", to_wire(epoch))]
        )
    db.create_indexes()
    return {
        "businesses": len(seeder.businesses),
        "coworkers": len(seeder.coworkers),
        "invoices": len(seeder.invoices),
        "tokens": len(tokens),
        "ledger": len(ledger),
    }


def _marks(count: int) -> str:
    return ", ".join("?" * count)
