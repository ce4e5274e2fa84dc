"""Reversing a ledger entry: the opposite entry, linked to the original by its ConnectedTransactionGuid.

An entry R reverses an entry O when R's ConnectedTransactionGuid is O's UniqueId and R's debit and credit
are O's credit and debit, for the same customer and business. The write goes through the ordinary create
flow (review with its balance preview, one-time key, the ledger lock; see create.py and services.py).
"""

from __future__ import annotations

from typing import Any

from dashboard.nexudus.records import LedgerEntry

DESCRIPTION_MAX = 255


def is_reversal_of(candidate: LedgerEntry, original: LedgerEntry) -> bool:
    return (
        original.unique_id is not None
        and (candidate.connected_transaction_guid or "").lower() == original.unique_id.lower()
        and candidate.id != original.id
        and (candidate.debit, candidate.credit) == (original.credit, original.debit)
        and (candidate.coworker_id, candidate.business_id) == (original.coworker_id, original.business_id)
    )


def reversal_description(original: LedgerEntry) -> str:
    text = f"Reversal of entry {original.id}: {original.description}".strip().rstrip(":")
    return text[:DESCRIPTION_MAX]


def reversal_initial(original: LedgerEntry) -> dict[str, Any]:
    """The create form's values for the entry that undoes `original`."""
    initial: dict[str, Any] = {
        "reverses": original.id,
        "coworker_id": original.coworker_id,
        "coworker_id_label": original.coworker_full_name or "",
        "business_id": original.business_id,
        "business_id_label": original.business_name or "",
        "description": reversal_description(original),
        "code": original.code,
        "debit": original.credit,
        "credit": original.debit,
        "connected_transaction_guid": original.unique_id,
    }
    if original.coworker_invoice_id is not None:
        initial["coworker_invoice_id"] = original.coworker_invoice_id
        initial["coworker_invoice_id_label"] = original.invoice_number or ""
    if original.payment_gateway is not None and hasattr(original.payment_gateway, "value"):
        initial["payment_gateway"] = original.payment_gateway.value
    return {name: value for name, value in initial.items() if value is not None}


def reversal_problems(draft: Any, original: LedgerEntry) -> list[tuple[str | None, str]]:
    """Why the form's entry is not the reversal of `original` (field, message); empty when it is."""
    problems: list[tuple[str | None, str]] = []
    if original.unique_id is None:
        problems.append((None, f"Entry {original.id} has no UniqueId in Nexudus, so a reversal cannot be linked."))
        return problems
    if (draft["coworker_id"], draft["business_id"]) != (original.coworker_id, original.business_id):
        problems.append(("coworker_id", f"A reversal is for the same customer and business as entry {original.id}."))
    if (draft["debit"], draft["credit"]) != (original.credit, original.debit):
        swapped = f"debit {original.credit}, credit {original.debit}"
        problems.append(("credit", f"A reversal swaps entry {original.id}'s amounts: {swapped}."))
    if (draft.get("connected_transaction_guid") or "").lower() != original.unique_id.lower():
        problems.append(("connected_transaction_guid", f"A reversal is connected to entry {original.id}'s GUID."))
    return problems
