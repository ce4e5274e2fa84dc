"""The cross-instance lock: one holder per name, a bounded wait, and a switch to turn it off.

Runs on SQLite (a file lock beside the database) in the main pass and on PostgreSQL (an advisory lock) in
scripts/test-postgres.sh; each holder below is a thread with a database connection of its own, as two
requests are. Two processes sharing one database are covered by tests/ledger/test_concurrent_writes.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from dashboard.runtime.locks import LockBusy, advisory_key, exclusive

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def held_elsewhere(name: str) -> Iterator[None]:
    """`name` held by another thread (another database connection) for the length of the block."""
    taken, done, failures = threading.Event(), threading.Event(), []

    def hold() -> None:
        try:
            with exclusive(name, timeout=5):
                taken.set()
                done.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
            taken.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(timeout=10) and not failures, failures
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=10)


def test_a_lock_held_elsewhere_is_refused_after_the_timeout_and_free_once_released():
    with held_elsewhere("ledger-1-2"):
        with pytest.raises(LockBusy) as refused, exclusive("ledger-1-2", timeout=0.2):
            pytest.fail("entered a lock someone else holds")
        assert refused.value.name == "ledger-1-2"
    with exclusive("ledger-1-2", timeout=0.2):
        pass


def test_a_waiting_writer_gets_the_lock_as_soon_as_it_is_released():
    order: list[str] = []
    with held_elsewhere("ledger-3-4"):
        waiter = threading.Thread(target=lambda: _take("ledger-3-4", order))
        waiter.start()
        order.append("released")
    waiter.join(timeout=10)
    assert order == ["released", "taken"]


def _take(name: str, order: list[str]) -> None:
    try:
        with exclusive(name, timeout=5):
            order.append("taken")
    finally:
        connection.close()


def test_other_ledgers_are_not_held_up():
    with held_elsewhere("ledger-5-6"), exclusive("ledger-5-7", timeout=0.2):
        pass


def test_the_lock_is_released_when_the_block_raises():
    with pytest.raises(ValueError), exclusive("ledger-8-9", timeout=1):
        raise ValueError("the write failed")
    with held_elsewhere("ledger-8-9"):
        pass


def test_switched_off_nothing_is_held(settings):
    settings.LEDGER_WRITE_LOCK = False
    with held_elsewhere("ledger-10-11"), exclusive("ledger-10-11", timeout=0.1):
        pass


def test_advisory_keys_are_stable_signed_64_bit_and_distinct():
    assert advisory_key("ledger-1-2") == advisory_key("ledger-1-2")
    keys = {advisory_key(f"ledger-{c}-{b}") for c in range(200) for b in range(1001, 1006)}
    assert len(keys) == 1000 and all(-(2**63) <= key < 2**63 for key in keys)
