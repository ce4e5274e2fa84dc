"""The building blocks of entities.py: a wire field, an entity, and how a row is serialised.

One table per entity maps a documented property to a column of its denormalising view, a wire
kind (how it is serialised) and, when it can be filtered, the documented filter suffix
(`CoworkerLedgerEntry_<suffix>`). Search, serialisation and sorting are all driven by it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .formats import money, money_text

# Wire kinds: int, enum, text, money, money_text (a money column sent as "120.00"), bool, date,
# guid, ids (a one-element id list), null (always null).
RANGE_KINDS = {"int", "money", "money_text", "date"}


@dataclass(frozen=True)
class Field:
    prop: str
    column: str | None
    kind: str
    filter: str | None = None  # suffix after "<Entity>_"; None = not filterable
    # For a denormalised column: (local foreign key, related table, related column). Filters then
    # run as `fk IN (SELECT id FROM related WHERE ...)` on the base table, which is far cheaper
    # than filtering the joined view, and lets COUNT(*) skip the joins entirely.
    via: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Entity:
    name: str  # the Nexudus entity name, used in filters, roles and messages
    path: str
    view: str
    table: str
    fields: tuple[Field, ...]
    to_string: Callable[[sqlite3.Row], str]
    currency_column: str | None = None
    writable: bool = False
    listing_omits: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def base(self) -> tuple[Field, ...]:
        """Base fields that can be filtered and sorted; only the writable entities store SystemId."""
        return _BASE + ((_SYSTEM_ID,) if self.writable else ())

    @cached_property
    def filters(self) -> dict[str, Field]:
        found = {f"{self.name}_{f.filter}": f for f in self.fields + self.base if f.filter}
        found["Id"] = _ID
        found["UniqueId"] = _UNIQUE_ID
        return found

    @cached_property
    def sortable(self) -> dict[str, str]:
        """orderBy values: every property with a column; the column to sort by."""
        return {f.prop: f.column for f in self.fields + self.base + (_ID,) if f.column}

    def serialise(self, row: sqlite3.Row, listing: bool = False) -> dict[str, Any]:
        currency = row[self.currency_column] if self.currency_column else None
        record: dict[str, Any] = {}
        for f in self.fields:
            if listing and f.prop in self.listing_omits:
                continue
            record[f.prop] = _value(f, row, currency)
        record.update(
            {
                "Id": row["id"],
                "UpdatedOn": row["updated_on"],
                "CreatedOn": row["created_on"],
                "UniqueId": row["unique_id"],
                "UpdatedBy": row["updated_by"],
                "IsNew": False,
                "SystemId": row["system_id"] if self.writable else None,
                "ToStringText": self.to_string(row),
                "LocalizationDetails": None,
                "CustomFields": None,
            }
        )
        return record


def _value(f: Field, row: sqlite3.Row, currency: str | None) -> Any:
    raw = row[f.column] if f.column else None
    if f.kind == "money":
        return money(raw, currency)
    if f.kind == "money_text":
        return money_text(raw)
    if f.kind == "bool":
        return None if raw is None else bool(raw)
    if f.kind == "ids":
        return [] if raw is None else [raw]
    if f.kind == "null":
        return None
    return raw


_ID = Field("Id", "id", "int")
_UNIQUE_ID = Field("UniqueId", "unique_id", "guid")
_BASE = (
    Field("CreatedOn", "created_on", "date", "CreatedOn"),
    Field("UpdatedOn", "updated_on", "date", "UpdatedOn"),
    Field("UpdatedBy", "updated_by", "text", "UpdatedBy"),
)
_SYSTEM_ID = Field("SystemId", "system_id", "text", "SystemId")
