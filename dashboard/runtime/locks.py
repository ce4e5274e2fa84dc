"""One holder at a time of a named lock, across threads, processes and every dashboard instance.

`exclusive(name, timeout=…)` is the one call: it lives where every instance already shares state, the
database. On PostgreSQL it is a session-level advisory lock (`pg_advisory_lock` bounded by
`lock_timeout`; the server drops it if the connection dies); on SQLite, whose instances necessarily share
one machine and one file, an OS file lock (`filelock`) beside the database file, released by the kernel
if the process dies. Redis is not used: it is optional (the cache is per process without REDIS_URL), so
it could not be what makes two instances agree. `LEDGER_WRITE_LOCK=false` switches locking off, only
to show what goes wrong without it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock wait cut short by lock_timeout


class LockBusy(Exception):
    """The lock was held by someone else for longer than the caller was willing to wait."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(f"Lock {name!r} not acquired within {timeout:g} s.")
        self.name = name
        self.timeout = timeout


def locking_enabled() -> bool:
    return bool(getattr(settings, "LEDGER_WRITE_LOCK", True))


@contextmanager
def exclusive(name: str, *, timeout: float, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the lock `name` for the block; raise LockBusy if it cannot be had within `timeout` seconds."""
    if not locking_enabled():
        yield
        return
    vendor = connections[using].vendor
    if vendor == "postgresql":
        with _advisory_lock(name, timeout, using):
            yield
    elif vendor == "sqlite":
        with _file_lock(name, timeout, using):
            yield
    else:  # pragma: no cover - the settings only produce the two above
        raise ImproperlyConfigured(f"No cross-instance lock for the {vendor} database.")


# --- PostgreSQL ------------------------------------------------------------------------------------


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def _advisory_lock(name: str, timeout: float, using: str) -> Iterator[None]:
    connection = connections[using]
    key = advisory_key(name)
    try:
        # A session-level lock, taken in a short transaction of its own so that `lock_timeout` stays
        # local to it; the lock outlives the commit and is released explicitly (or when the connection ends).
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, int(timeout * 1000))}ms"])
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise LockBusy(name, timeout) from error
        raise
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        except Exception:  # the connection is gone, and the server released the lock with it
            logger.warning("Could not release advisory lock %s; the connection is closed.", name, exc_info=True)
            connection.close()


# --- SQLite ----------------------------------------------------------------------------------------


def lock_directory(using: str = DEFAULT_DB_ALIAS) -> Path:
    """Beside the database file, so every process that shares the file shares the locks."""
    database = str(connections[using].settings_dict["NAME"])
    if database == ":memory:" or database.startswith("file:") or not database:
        # A database in memory belongs to one process: a directory of that process's own is shared enough.
        import os

        return Path(tempfile.gettempdir()) / f"billing-desk-locks-{os.getpid()}"
    return Path(f"{database}.locks")


@contextmanager
def _file_lock(name: str, timeout: float, using: str) -> Iterator[None]:
    directory = lock_directory(using)
    directory.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    # A new lock object per use: its own open file, so threads of one process exclude each other too.
    lock = filelock.FileLock(directory / f"{safe_name}.lock", thread_local=False)
    try:
        lock.acquire(timeout=timeout, poll_interval=0.01)
    except filelock.Timeout as error:
        raise LockBusy(name, timeout) from error
    try:
        yield
    finally:
        lock.release()
