"""SQLite storage: schema, denormalising views, one shared connection, and the pristine snapshot.

One connection guarded by a lock serves every request thread. Queries take about a millisecond, so
serialising them costs less than SQLite's own locking between connections would, and it makes the
in-memory mode (which cannot be shared between connections) behave exactly like the file mode.
A pristine copy of the seeded database is kept in memory so `/_sandbox/reset` is one backup call.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS businesses (
    id INTEGER PRIMARY KEY, unique_id TEXT NOT NULL, name TEXT NOT NULL, currency_id INTEGER,
    currency_code TEXT NOT NULL, country_id INTEGER, country_name TEXT, time_zone TEXT,
    web_address TEXT, email_contact TEXT, address TEXT, phone TEXT,
    created_on TEXT NOT NULL, updated_on TEXT NOT NULL, updated_by TEXT);
CREATE TABLE IF NOT EXISTS coworkers (
    id INTEGER PRIMARY KEY, unique_id TEXT NOT NULL, full_name TEXT NOT NULL, email TEXT,
    coworker_type INTEGER, company_name TEXT, billing_email TEXT, invoicing_business_id INTEGER,
    regular_payment_provider INTEGER, created_on TEXT NOT NULL, updated_on TEXT NOT NULL, updated_by TEXT);
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY, unique_id TEXT NOT NULL, invoice_number TEXT, coworker_id INTEGER NOT NULL,
    business_id INTEGER NOT NULL, bill_to_name TEXT, description TEXT, payment_reference TEXT,
    due_date TEXT, invoice_from_date TEXT, invoice_to_date TEXT,
    total_cents INTEGER NOT NULL, paid_cents INTEGER NOT NULL DEFAULT 0, tax_cents INTEGER NOT NULL DEFAULT 0,
    discount_cents INTEGER NOT NULL DEFAULT 0, refunded_cents INTEGER NOT NULL DEFAULT 0,
    draft INTEGER NOT NULL DEFAULT 0, void INTEGER NOT NULL DEFAULT 0, waiting INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0, paid_on TEXT, sent INTEGER NOT NULL DEFAULT 0, sent_on TEXT,
    refunded INTEGER NOT NULL DEFAULT 0, refunded_on TEXT, credit_note INTEGER NOT NULL DEFAULT 0,
    created_on TEXT NOT NULL, updated_on TEXT NOT NULL, updated_by TEXT);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY, unique_id TEXT NOT NULL, coworker_invoice_id INTEGER NOT NULL,
    regular_payment_provider INTEGER, token TEXT, notes TEXT, system_id TEXT,
    created_on TEXT NOT NULL, updated_on TEXT NOT NULL, updated_by TEXT);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY, unique_id TEXT NOT NULL, business_id INTEGER NOT NULL,
    coworker_id INTEGER NOT NULL, coworker_invoice_id INTEGER, description TEXT NOT NULL,
    code TEXT NOT NULL, debit_cents INTEGER NOT NULL, credit_cents INTEGER NOT NULL,
    balance_cents INTEGER NOT NULL, payment_gateway_name INTEGER, payment_method_number TEXT,
    transaction_date TEXT NOT NULL, transaction_date_local TEXT, billed INTEGER NOT NULL DEFAULT 0,
    connected_transaction_guid TEXT, system_id TEXT,
    created_on TEXT NOT NULL, updated_on TEXT NOT NULL, updated_by TEXT);
"""

# Indexes are created after the bulk insert (faster seeding). They cover the filters the dashboard
# uses most: a customer's ledger at one location over a date range, an invoice's payments and tokens.
INDEXES = """
CREATE INDEX IF NOT EXISTS ix_ledger_chain ON ledger (coworker_id, business_id, transaction_date, id);
CREATE INDEX IF NOT EXISTS ix_ledger_business_date ON ledger (business_id, transaction_date);
CREATE INDEX IF NOT EXISTS ix_ledger_invoice ON ledger (coworker_invoice_id);
CREATE INDEX IF NOT EXISTS ix_ledger_date ON ledger (transaction_date);
CREATE INDEX IF NOT EXISTS ix_ledger_created ON ledger (created_on);
CREATE INDEX IF NOT EXISTS ix_ledger_updated ON ledger (updated_on);
CREATE INDEX IF NOT EXISTS ix_ledger_code ON ledger (code);
CREATE INDEX IF NOT EXISTS ix_ledger_business_code ON ledger (business_id, code);
CREATE INDEX IF NOT EXISTS ix_tokens_invoice ON tokens (coworker_invoice_id);
CREATE INDEX IF NOT EXISTS ix_tokens_created ON tokens (created_on);
CREATE INDEX IF NOT EXISTS ix_tokens_updated ON tokens (updated_on);
CREATE INDEX IF NOT EXISTS ix_invoices_coworker ON invoices (coworker_id);
CREATE INDEX IF NOT EXISTS ix_invoices_business ON invoices (business_id);
CREATE INDEX IF NOT EXISTS ix_invoices_number ON invoices (invoice_number);
CREATE INDEX IF NOT EXISTS ix_invoices_due ON invoices (due_date);
CREATE INDEX IF NOT EXISTS ix_coworkers_name ON coworkers (full_name);

-- Views carry the denormalised read-only fields. Every join is a LEFT JOIN on a primary key, which
-- lets SQLite drop the joins a query does not use (COUNT(*) of a plain listing touches one table).
CREATE VIEW IF NOT EXISTS v_ledger AS
SELECT l.*, b.name AS business_name, b.currency_code AS business_currency_code,
       b.time_zone AS business_time_zone, c.full_name AS coworker_full_name,
       i.invoice_number AS invoice_number, i.total_cents AS invoice_total_cents,
       i.bill_to_name AS invoice_bill_to_name, i.paid AS invoice_paid, i.paid_on AS invoice_paid_on,
       i.refunded AS invoice_refunded, i.refunded_on AS invoice_refunded_on, i.due_date AS invoice_due_date,
       i.draft AS invoice_draft, i.waiting AS invoice_waiting
FROM ledger l LEFT JOIN businesses b ON b.id = l.business_id LEFT JOIN coworkers c ON c.id = l.coworker_id
LEFT JOIN invoices i ON i.id = l.coworker_invoice_id;
CREATE VIEW IF NOT EXISTS v_invoices AS
SELECT i.*, c.full_name AS coworker_full_name, c.billing_email AS coworker_billing_email,
       c.company_name AS coworker_company_name, b.name AS business_name,
       b.currency_code AS currency_code, b.currency_id AS currency_id
FROM invoices i LEFT JOIN coworkers c ON c.id = i.coworker_id LEFT JOIN businesses b ON b.id = i.business_id;
CREATE VIEW IF NOT EXISTS v_coworkers AS
SELECT c.*, b.name AS invoicing_business_name
FROM coworkers c LEFT JOIN businesses b ON b.id = c.invoicing_business_id;
CREATE VIEW IF NOT EXISTS v_tokens AS SELECT t.* FROM tokens t;
CREATE VIEW IF NOT EXISTS v_businesses AS SELECT b.* FROM businesses b;
"""


class Database:
    """The sandbox's data: one SQLite connection behind a lock, plus a pristine in-memory snapshot."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = str(path) if path else ":memory:"
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        if path:
            # WAL + NORMAL: durable enough for a dev sandbox and much faster per write.
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.executescript(SCHEMA)
        self._pristine: sqlite3.Connection | None = None

    def is_empty(self) -> bool:
        return self.scalar("SELECT COUNT(*) FROM businesses") == 0

    def meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else None

    def wipe(self) -> None:
        with self.lock:
            for table in ("ledger", "tokens", "invoices", "coworkers", "businesses", "meta"):
                self.conn.execute(f"DELETE FROM {table}")

    def create_indexes(self) -> None:
        with self.lock:
            self.conn.executescript(INDEXES)
            self.conn.execute("ANALYZE")

    # --- queries ---------------------------------------------------------------------------------

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock: a write and its recomputations are atomic."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # --- pristine snapshot -------------------------------------------------------------------------

    def snapshot(self) -> None:
        """Copy the current (freshly seeded) data aside as the state `/_sandbox/reset` returns to."""
        with self.lock:
            pristine = sqlite3.connect(":memory:", check_same_thread=False)
            self.conn.backup(pristine)
            self._pristine = pristine

    def restore(self, rebuild: Callable[[], None]) -> None:
        """Back to the snapshot; `rebuild` re-seeds into this database when no snapshot exists yet
        (a file database reopened after a restart), and the result becomes the snapshot."""
        with self.lock:
            if self._pristine is None:
                rebuild()
                self.snapshot()
                return
            self._pristine.backup(self.conn)
