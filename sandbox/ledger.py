"""Ledger semantics that the server owns: running balances and invoices' paid state.

With `ledger_balance = recompute` (the documented reading) `Balance` is required in a write body but
never trusted: after every write the balances of the affected customer-at-location chain are
recomputed (debits minus credits, ordered by TransactionDate then Id; positive = the customer owes),
so back-dated entries correct every later line. With `as_sent` the stored balances are whatever
clients sent. An invoice's PaidAmount is the sum of credits linked to it; reaching TotalAmount marks
it Paid with PaidOn = now (and losing it, e.g. a deleted payment, marks it unpaid again).
"""

from __future__ import annotations

import sqlite3


def recompute_chain(conn: sqlite3.Connection, coworker_id: int, business_id: int) -> None:
    rows = conn.execute(
        "SELECT id, debit_cents - credit_cents, balance_cents FROM ledger "
        "WHERE coworker_id = ? AND business_id = ? ORDER BY transaction_date, id",
        (coworker_id, business_id),
    ).fetchall()
    running = 0
    changes = []
    for entry_id, delta, stored in rows:
        running += delta
        if running != stored:
            changes.append((running, entry_id))
    conn.executemany("UPDATE ledger SET balance_cents = ? WHERE id = ?", changes)


def recompute_invoice(conn: sqlite3.Connection, invoice_id: int | None, now: str, email: str) -> None:
    if not invoice_id:
        return
    invoice = conn.execute("SELECT total_cents, paid_cents, paid FROM invoices WHERE id = ?", (invoice_id,)).fetchone()
    if invoice is None:
        return
    total, old_paid_cents, was_paid = invoice
    paid_cents = conn.execute(
        "SELECT COALESCE(SUM(credit_cents), 0) FROM ledger WHERE coworker_invoice_id = ?", (invoice_id,)
    ).fetchone()[0]
    is_paid = total > 0 and paid_cents >= total
    if paid_cents == old_paid_cents and bool(was_paid) == is_paid:
        return
    if is_paid and not was_paid:
        conn.execute("UPDATE invoices SET paid = 1, paid_on = ? WHERE id = ?", (now, invoice_id))
    elif was_paid and not is_paid:
        conn.execute("UPDATE invoices SET paid = 0, paid_on = NULL WHERE id = ?", (invoice_id,))
    conn.execute(
        "UPDATE invoices SET paid_cents = ?, updated_on = ?, updated_by = ? WHERE id = ?",
        (paid_cents, now, email, invoice_id),
    )
