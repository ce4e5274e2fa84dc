"""Seed generation of invoices and the ledger: each invoice's fate (draft, void, paid, partly paid,
unpaid, refunded) and the ledger lines it implies, plus everyday charges, payments and adjustments.

Balances are computed as the API computes them on writes (running sum of debits minus credits per
customer per location, ordered by TransactionDate then Id), and each invoice's PaidAmount is the
sum of the credits linked to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import seed_data as data
from .formats import local_wire, to_wire
from .seed_base import FIRST_IDS, STAFF, SeedBase

# A few customers (one per currency) whose chain breaks once, as when someone types a balance in Nexudus's
# own admin: from that entry on, every stored balance is BROKEN_BY lower than the entries add up to. Marked in
# the description so demos and tests can find them; chosen without the random generator, so every other seeded
# value stays as it was.
BROKEN_CHAIN_NOTE = " (balance typed in Nexudus admin)"
BROKEN_BY = 2500  # cents
BROKEN_CHAIN_CURRENCIES = ("GBP", "EUR", "USD")
BROKEN_CHAIN_MIN_ENTRIES = 8


class LedgerSeeding(SeedBase):
    def make_invoices(self) -> None:
        drafts = []
        for _ in range(self.scale.invoices):
            coworker = self.rng.choice(self.coworkers)
            issued = self.between(self.joined[coworker[0]], self.epoch - timedelta(hours=2))
            drafts.append((issued, coworker))
        drafts.sort(key=lambda item: item[0])
        currency = {b[0]: b[4] for b in self.businesses}
        for n, (issued, coworker) in enumerate(drafts):
            invoice_id = FIRST_IDS["invoices"] + n
            number = f"INV-{n + 1:05d}"
            business_id = coworker[7]
            plan, price = self.rng.choice(data.PLANS)
            net = price * 100 + self.rng.choice([0, 0, 0, 1500, 2500, 4000, 7500])
            tax = round(net * data.TAX_RATE[currency[business_id]])
            discount = self.rng.choice([0] * 8 + [net // 10])
            total = net + tax - discount
            due = (issued + timedelta(days=14)).replace(hour=0, minute=0, second=0)
            month_start = issued.replace(day=1, hour=0, minute=0, second=0)
            row = [
                invoice_id,
                self.guid(),
                number,
                coworker[0],
                business_id,
                coworker[5] or coworker[2],
                f"{plan}, {month_start:%B %Y}",
                f"{number}-{coworker[0]}",
                to_wire(due),
                to_wire(month_start),
                to_wire(month_start + timedelta(days=27)),
                total,
                0,
                tax,
                discount,
                0,
                0,
                0,
                0,
                0,
                None,
                1,
                to_wire(issued),
                0,
                None,
                0,
                to_wire(issued),
                to_wire(issued),
                STAFF[0],
            ]
            self.invoices.append(row)
            self.settle(row, issued, due, plan)

    def settle(self, row: list, issued: datetime, due: datetime, plan: str) -> None:
        """Decide the invoice's fate (draft, void, paid, partly paid, unpaid, refunded) and write the
        ledger lines that fate implies."""
        invoice_id, number, coworker_id, business_id, total = row[0], row[2], row[3], row[4], row[11]
        roll = self.rng.random()
        if self.epoch - issued < timedelta(days=5) and roll < 0.3:
            row[16], row[21], row[22] = 1, 0, None  # draft: not sent, no ledger line yet
            return
        if roll > 0.99:
            row[17] = 1  # void: cancelled before anyone paid
            return
        self.add(issued, business_id, coworker_id, invoice_id, f"Invoice {number}: {plan}", "INV", total, 0, billed=1)
        fate = self.rng.random()
        # Old invoices are mostly settled; recent ones are still open, so the data has overdue and
        # due-soon invoices side by side.
        paid_share = 0.92 if due < self.epoch - timedelta(days=90) else 0.75 if due < self.epoch else 0.45
        if fate < paid_share:
            paid_on = min(self.between(issued, issued + timedelta(days=20)), self.epoch - timedelta(hours=1))
            if self.rng.random() < 0.2:
                first = total // 2
                half_way = min(paid_on, self.between(issued, paid_on + timedelta(seconds=1)))
                self.payment(half_way, row, first)
                self.payment(paid_on, row, total - first)
            else:
                self.payment(paid_on, row, total)
            row[12], row[19], row[20] = total, 1, to_wire(paid_on)
            if self.epoch - paid_on > timedelta(days=30) and self.rng.random() < 0.04:
                refunded_on = self.between(paid_on, paid_on + timedelta(days=25))
                row[23], row[24], row[15] = 1, to_wire(refunded_on), total
                self.add(
                    refunded_on,
                    business_id,
                    coworker_id,
                    invoice_id,
                    f"Refund of {number}",
                    "REFU",
                    total,
                    0,
                    gateway=self.weighted(data.PAYMENT_GATEWAYS),
                )
                self.add(
                    refunded_on + timedelta(seconds=1),
                    business_id,
                    coworker_id,
                    None,
                    f"Credit note CN-{number[4:]} for {number}",
                    "CRNT",
                    0,
                    total,
                )
        elif fate < paid_share + 0.1:
            part = int(total * self.rng.uniform(0.2, 0.7))
            self.payment(
                min(self.between(issued, issued + timedelta(days=20)), self.epoch - timedelta(hours=1)), row, part
            )
            row[12] = part

    def payment(self, when: datetime, row: list, cents: int) -> None:
        gateway = self.weighted(data.PAYMENT_GATEWAYS)
        self.add(
            when,
            row[4],
            row[3],
            row[0],
            f"Payment for {row[2]}",
            "PAYM",
            0,
            cents,
            gateway=gateway,
            method=self.method_number(gateway),
            guid=self.guid() if gateway in (4, 17, 24, 25) else None,
        )

    def method_number(self, gateway: int) -> str | None:
        if gateway in (4, 17, 24, 25, 14):
            return f"**** {self.rng.randint(0, 9999):04d}"
        if gateway == 998:
            return f"CHQ {self.rng.randint(100000, 999999)}"
        return None

    def add(
        self,
        when: datetime,
        business_id: int,
        coworker_id: int,
        invoice_id: int | None,
        description: str,
        code: str,
        debit: int,
        credit: int,
        *,
        gateway: int = 0,
        method: str | None = None,
        guid: str | None = None,
        billed: int = 0,
    ) -> None:
        self.ledger.append(
            [
                when,
                business_id,
                coworker_id,
                invoice_id,
                description,
                code,
                debit,
                credit,
                gateway,
                method,
                guid,
                billed,
            ]
        )

    def make_filler(self) -> None:
        """Everyday charges and their payments, plus adjustments, until the ledger has its size."""
        while len(self.ledger) < self.scale.ledger:
            coworker = self.rng.choice(self.coworkers)
            business_id, coworker_id = coworker[7], coworker[0]
            when = self.between(self.joined[coworker_id], self.epoch - timedelta(hours=1))
            if self.rng.random() < 0.06:
                if self.rng.random() < 0.5:
                    self.add(
                        when,
                        business_id,
                        coworker_id,
                        None,
                        "Goodwill credit",
                        "ADJU",
                        0,
                        self.rng.randint(5, 50) * 100,
                    )
                else:
                    self.add(when, business_id, coworker_id, None, "Late payment fee", "ADJU", 1500, 0)
                continue
            description, low, high = self.rng.choice(data.CHARGES)
            cents = self.rng.randint(low * 100, high * 100)
            billed = 1 if self.epoch - when > timedelta(days=30) else 0
            self.add(when, business_id, coworker_id, None, description, "CHRG", cents, 0, billed=billed)
            paid_on = when + timedelta(minutes=self.rng.randint(1, 60 * 24 * 10))
            if self.rng.random() < 0.9 and paid_on < self.epoch and len(self.ledger) < self.scale.ledger:
                gateway = self.weighted(data.PAYMENT_GATEWAYS)
                self.add(
                    paid_on,
                    business_id,
                    coworker_id,
                    None,
                    "Payment received, thank you",
                    "PAYM",
                    0,
                    cents,
                    gateway=gateway,
                    method=self.method_number(gateway),
                )

    def ledger_rows(self) -> list[tuple]:
        """Ids in date order, running balances per customer per location."""
        self.ledger.sort(key=lambda entry: entry[0])
        balances: dict[tuple[int, int], int] = {}
        rows = []
        for n, (
            when,
            business_id,
            coworker_id,
            invoice_id,
            desc,
            code,
            debit,
            credit,
            gateway,
            method,
            guid,
            billed,
        ) in enumerate(self.ledger):
            key = (coworker_id, business_id)
            balances[key] = balances.get(key, 0) + debit - credit
            stamp = to_wire(when)
            rows.append(
                (
                    FIRST_IDS["ledger"] + n,
                    self.guid(),
                    business_id,
                    coworker_id,
                    invoice_id,
                    desc,
                    code,
                    debit,
                    credit,
                    balances[key],
                    gateway,
                    method,
                    stamp,
                    local_wire(stamp, self.zones[business_id]),
                    billed,
                    guid,
                    None,
                    stamp,
                    stamp,
                    self.rng.choice(STAFF),
                )
            )
        return broken_chains(rows, {b[0]: b[4] for b in self.businesses})


# Row positions in ledger_rows(): coworker, business, description, balance.
_COWORKER, _BUSINESS, _DESCRIPTION, _BALANCE = 3, 2, 5, 9


def broken_chains(rows: list[tuple], currency_of: dict[int, str]) -> list[tuple]:
    """`rows` with one broken chain per currency in BROKEN_CHAIN_CURRENCIES: of the customers with at least
    BROKEN_CHAIN_MIN_ENTRIES entries at a business in that currency, the one who joined last. The break is at
    the middle entry of their chain; the balances after it follow the wrong figure, so it breaks once."""
    chains: dict[tuple[int, int], list[int]] = {}
    for position, row in enumerate(rows):
        chains.setdefault((row[_COWORKER], row[_BUSINESS]), []).append(position)
    rows = list(rows)
    for currency in BROKEN_CHAIN_CURRENCIES:
        candidates = [
            key
            for key, positions in chains.items()
            if currency_of.get(key[1]) == currency and len(positions) >= BROKEN_CHAIN_MIN_ENTRIES
        ]
        if not candidates:
            continue
        # The customer who joined last (their first entry is the latest), so the oldest entries, which
        # tests read as samples of a consistent seed, are never theirs. Rows are in chain order already.
        positions = chains[max(candidates, key=lambda key: chains[key][0])]
        middle = len(positions) // 2
        for n, position in enumerate(positions[middle:]):
            row = list(rows[position])
            row[_BALANCE] -= BROKEN_BY
            if n == 0:
                row[_DESCRIPTION] += BROKEN_CHAIN_NOTE
            rows[position] = tuple(row)
    return rows
