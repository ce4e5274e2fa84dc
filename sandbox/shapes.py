"""How records look on the wire under the active profile: enum names, fractional timestamps, and the
other shapes only the live captures show (each with its evidence in README.md).

`Entity.serialise` gives the documented shape; `present` adjusts it for the config in force.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .config import Config
from .enum_names import BY_FIELD
from .fields import Entity

# Server-set timestamps carry 0-7 fractional digits live ("2026-04-06T12:35:24.0050623Z", "...11.1Z").
_FRACTIONAL = ("CreatedOn", "UpdatedOn")
# Absent from the live ledger records seen.
_ABSENT_LIVE = {"CoworkerLedgerEntry": ("Billed", "TransactionDateLocal")}
_WHOLE_SECOND = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z$")


def fractional(stamp: str | None, salt: object) -> str | None:
    """`stamp` with 0-7 fractional digits chosen deterministically from `salt` (same record, same text)."""
    found = _WHOLE_SECOND.match(stamp or "")
    if not found:
        return stamp
    digest = hashlib.blake2b(f"{salt}|{stamp}".encode(), digest_size=8).digest()
    places = digest[0] % 8
    if places == 0:
        return stamp
    digits = f"{int.from_bytes(digest[1:], 'big') % 10**7:07d}"[:places]
    return f"{found.group(1)}.{digits}Z"


def present(entity: Entity, record: dict[str, Any], config: Config, *, listing: bool) -> dict[str, Any]:
    if config.enum_encoding == "names" and not listing:
        for (entity_name, prop), names in BY_FIELD.items():
            if entity_name == entity.name and isinstance(record.get(prop), int):
                record[prop] = names.get(record[prop], record[prop])
    if not config.observed:
        return record
    for prop in _FRACTIONAL:
        record[prop] = fractional(record.get(prop), (entity.name, record.get("Id"), prop))
    if entity.name == "CoworkerLedgerEntry":
        total = record.get("CoworkerInvoiceTotalAmount")
        if isinstance(total, str):  # a number live, a string in the docs
            record["CoworkerInvoiceTotalAmount"] = float(total)
        if record.get("PaymentGatewayName") == 0:  # unset: null live, 0 in the docs
            record["PaymentGatewayName"] = None
    for prop in _ABSENT_LIVE.get(entity.name, ()):
        record.pop(prop, None)
    return record


def display_name(entity: Entity) -> str:
    """'CoworkerLedgerEntry' -> 'Coworker Ledger Entry', as live create messages name the entity."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entity.name)
