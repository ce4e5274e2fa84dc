"""Write validation as Nexudus does it: every failing property reported, relation names for FKs.

Each rule turns one body property into a column value or an error
`{"AttemptedValue", "Message", "PropertyName"}`. Numbers may arrive as JSON numbers or numeric
strings (as .NET's binder accepts); unknown and read-only properties are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .db import Database
from .formats import is_guid, parse_date, to_cents, to_wire

REGULAR_PAYMENT_PROVIDERS = frozenset({0, *range(1, 14), 94, 95, 96, 97, 98, 99})
PAYMENT_PROVIDERS = frozenset(
    {0, *range(1, 10), *range(11, 31), 401, 402, 403, 500, 501, 989, 990, 991, 992, 993, 994, 995, 996, 997, 998, 999}
)
MAX_CENTS = 10**14  # 1e12 in major units: beyond that the value is surely a typo


@dataclass(frozen=True)
class Rule:
    prop: str
    column: str
    kind: str  # fk, int, text, money, bool, date, enum, guid
    required: bool = False
    relation: str | None = None  # FK: the relation name errors use, and the table it points at
    table: str | None = None
    max_length: int | None = None
    choices: frozenset[int] | None = None
    non_negative: bool = False


TOKEN_RULES = (
    Rule("CoworkerInvoiceId", "coworker_invoice_id", "fk", True, "CoworkerInvoice", "invoices"),
    Rule("RegularPaymentProvider", "regular_payment_provider", "enum", choices=REGULAR_PAYMENT_PROVIDERS),
    Rule("Token", "token", "text", max_length=255),
    Rule("Notes", "notes", "text", max_length=2000),
    Rule("SystemId", "system_id", "text", max_length=255),
)
LEDGER_RULES = (
    Rule("BusinessId", "business_id", "fk", True, "Business", "businesses"),
    Rule("CoworkerId", "coworker_id", "fk", True, "Coworker", "coworkers"),
    Rule("CoworkerInvoiceId", "coworker_invoice_id", "fk", False, "CoworkerInvoice", "invoices"),
    Rule("Description", "description", "text", True, max_length=255),
    Rule("Code", "code", "text", True, max_length=50),
    Rule("Debit", "debit_cents", "money", True, non_negative=True),
    Rule("Credit", "credit_cents", "money", True, non_negative=True),
    Rule("Balance", "balance_cents", "money", True),
    Rule("PaymentGatewayName", "payment_gateway_name", "enum", choices=PAYMENT_PROVIDERS),
    Rule("PaymentMethodNumber", "payment_method_number", "text", max_length=100),
    Rule("TransactionDate", "transaction_date", "date"),
    Rule("Billed", "billed", "bool"),
    Rule("TransactionDateLocal", "transaction_date_local", "date"),
    Rule("ConnectedTransactionGuid", "connected_transaction_guid", "guid"),
    Rule("SystemId", "system_id", "text", max_length=255),
)

# With `ledger_balance = as_sent` the entry keeps the Balance sent; one not sent is stored as 0.
LEDGER_RULES_BALANCE_AS_SENT = tuple(
    replace(rule, required=False) if rule.prop == "Balance" else rule for rule in LEDGER_RULES
)


def error(prop: str, message: str, attempted: Any) -> dict[str, Any]:
    return {"AttemptedValue": attempted, "Message": message, "PropertyName": prop}


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _check(rule: Rule, value: Any, db: Database) -> tuple[Any, str | None]:
    """(column value, None) or (None, error message) for a present, non-null value."""
    if rule.kind in ("fk", "int", "enum"):
        number = _int(value)
        if number is None:
            return None, "must be a whole number"
        if rule.kind == "enum" and number not in (rule.choices or ()):
            return None, "is not a valid value"
        if rule.kind == "fk":
            if number <= 0 and rule.required:
                return None, "is a required field"
            if not db.scalar(f"SELECT 1 FROM {rule.table} WHERE id = ?", (number,)):
                return None, "does not exist"
        return number, None
    if rule.kind == "money":
        cents = to_cents(value) if isinstance(value, (int, float, str)) else None
        if cents is None:
            return None, "must be a number"
        if abs(cents) >= MAX_CENTS:
            return None, "is out of range"
        if rule.non_negative and cents < 0:
            return None, "must be greater than or equal to 0"
        return cents, None
    if rule.kind == "bool":
        if isinstance(value, bool):
            return int(value), None
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return int(value.strip().lower() == "true"), None
        return None, "must be true or false"
    if rule.kind == "date":
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            return None, "must be a date (YYYY-MM-DDTHH:mm:ssZ)"
        return to_wire(parsed), None
    if rule.kind == "guid":
        if not is_guid(value):
            return None, "must be a valid GUID"
        return value.lower(), None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None, "must be text"
    text = str(value)
    if rule.required and not text.strip():
        return None, "is a required field"
    if rule.max_length and len(text) > rule.max_length:
        return None, f"must be {rule.max_length} characters or fewer"
    return text, None


def validate(rules: tuple[Rule, ...], body: dict[str, Any], db: Database) -> tuple[dict[str, Any], list[dict]]:
    """Column values for the body's writable properties, and the list of validation errors."""
    values: dict[str, Any] = {}
    errors: list[dict] = []
    for rule in rules:
        name = rule.relation or rule.prop
        value = body.get(rule.prop)
        if value is None or (isinstance(value, str) and value == "" and rule.kind != "text"):
            if rule.required:
                errors.append(error(name, "is a required field", value))
            values[rule.column] = None
            continue
        clean, message = _check(rule, value, db)
        if message:
            errors.append(error(name, message, value))
        values[rule.column] = clean
    return values, errors


def failure_body(errors: list[dict]) -> dict[str, Any]:
    """The documented 400 envelope; `Message` has one `Property: message` line per error."""
    return {
        "Message": "\n".join(f"{e['PropertyName']}: {e['Message']}" for e in errors),
        "Value": None,
        "Errors": errors,
        "WasSuccessful": False,
    }
