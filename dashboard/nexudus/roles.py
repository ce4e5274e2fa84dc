"""Nexudus roles in words a person can act on: people never see names like "CoworkerLedgerEntry-Create"."""

from __future__ import annotations

# Entity → (what it is called in the Nexudus permissions screen, plural noun for sentences).
_ENTITIES = {
    "CoworkerLedgerEntry": ("Ledger entry", "ledger entries"),
    "CoworkerInvoicePaymentToken": ("Invoice payment token", "payment tokens"),
    "CoworkerInvoice": ("Invoice", "invoices"),
    "Coworker": ("Customer (coworker)", "customers"),
    "Business": ("Business", "businesses"),
}
_ACTIONS = {"List": "List", "Read": "Read", "Create": "Create", "Edit": "Edit", "Delete": "Delete"}
_VERBS = {"Create": "record", "Edit": "change", "Delete": "delete", "List": "search", "Read": "open"}


def _split(role: str | None) -> tuple[str, str] | None:
    if not role or "-" not in role:
        return None
    entity, action = role.rsplit("-", 1)
    match = {name.lower(): name for name in _ENTITIES}.get(entity.lower())
    action_name = {name.lower(): name for name in _ACTIONS}.get(action.lower())
    return (match, action_name) if match and action_name else None


def permission_words(role: str | None) -> str:
    """'the Ledger entry → Create permission' (or a general phrase for an unknown role)."""
    parts = _split(role)
    if parts is None:
        return "the permission for this action"
    return f"the {_ENTITIES[parts[0]][0]} → {_ACTIONS[parts[1]]} permission"


def cannot_sentence(role: str | None) -> str:
    """'Your Nexudus account can look up ledger entries but not record them; ask a Nexudus administrator
    for the Ledger entry → Create permission.'"""
    parts = _split(role)
    if parts is None:
        return f"Your Nexudus account may not do this; ask a Nexudus administrator for {permission_words(role)}."
    plural = _ENTITIES[parts[0]][1]
    verb = _VERBS[parts[1]]
    return (
        f"Your Nexudus account can look up {plural} but not {verb} them; "
        f"ask a Nexudus administrator for {permission_words(role)}."
    )
