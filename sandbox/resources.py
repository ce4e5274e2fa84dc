"""The REST resources: search, get one, batch, create, update, delete, with role checks.

Routing follows the documented pattern per entity path P: `GET P` (search, or batch with
`?id=[1,2]`, with or without a trailing slash), `GET P/{id}`, `POST P`, `PUT P` (Id in the
body), `DELETE P/{id}`. Invoices, coworkers and businesses are read-only here (405 otherwise).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .auth import Identity
from .config import Config
from .db import Database
from .entities import BY_PATH, LEDGER_ENTRY, PAYMENT_TOKEN
from .fields import Entity
from .formats import local_wire, now_wire
from .ledger import recompute_chain, recompute_invoice
from .messages import Request, Response, json_response
from .search import search
from .shapes import display_name, fractional, present
from .validation import LEDGER_RULES, LEDGER_RULES_BALANCE_AS_SENT, TOKEN_RULES, error, failure_body, validate

NOT_FOUND = "Not found"
ACTION_FOR = {
    "search": "List",
    "get": "Read",
    "batch": "Read",
    "create": "Create",
    "update": "Edit",
    "delete": "Delete",
}


def resolve(path: str, method: str, query: dict[str, str]) -> tuple[Entity, str, int | None] | None:
    """(entity, operation, id) for an API path, or None when nothing lives there."""
    for entity_path, entity in BY_PATH.items():
        if path != entity_path and not path.startswith(entity_path + "/"):
            continue
        rest = path[len(entity_path) :].strip("/")
        if rest == "":
            if method == "GET":
                return entity, ("batch" if "id" in query else "search"), None
            return entity, {"POST": "create", "PUT": "update"}.get(method, "unsupported"), None
        if rest.isdigit():
            return entity, {"GET": "get", "DELETE": "delete"}.get(method, "unsupported"), int(rest)
        return None
    return None


def handle(
    db: Database, request: Request, identity: Identity, target: tuple[Entity, str, int | None], config: Config
) -> Response:
    entity, operation, record_id = target
    if operation == "unsupported" or (operation in ("create", "update", "delete") and not entity.writable):
        return json_response(
            405, {"Message": f"The requested resource does not support http method '{request.method}'."}
        )
    if not identity.user.may(entity.name, ACTION_FOR[operation]):
        return json_response(config.role_error_status, {"Message": "Authorization has been denied for this request."})
    if operation == "search":
        return json_response(200, search(db, entity, request.query, config))
    if operation == "get":
        row = db.one(f"SELECT * FROM {entity.view} WHERE id = ?", (record_id,))
        return json_response(200, _record(entity, row, config)) if row else json_response(404, NOT_FOUND)
    if operation == "batch":
        return batch(db, entity, request.query["id"], config)
    if operation == "delete":
        return delete(db, entity, record_id or 0, identity.user.email, config)
    body, problem = _json_object(request.body)
    if problem:
        return json_response(400, {"Message": problem, "Value": None, "Errors": [], "WasSuccessful": False})
    return write(db, entity, body, identity.user.email, config, update=operation == "update")


def _record(entity: Entity, row: Any, config: Config) -> dict[str, Any]:
    """One full record (get-one, batch, create answer) in the shape the profile gives it."""
    return present(entity, entity.serialise(row), config, listing=False)


def batch(db: Database, entity: Entity, raw: str, config: Config) -> Response:
    try:
        ids = [int(part) for part in raw.strip().strip("[]").split(",") if part.strip()]
    except ValueError:
        return json_response(400, failure_body([error("id", "must be a list of ids like [1,2]", raw)]))
    if not ids:
        return json_response(200, [])
    rows = db.all(f"SELECT * FROM {entity.view} WHERE id IN ({', '.join('?' * len(ids))})", ids)
    by_id = {row["id"]: row for row in rows}
    return json_response(200, [_record(entity, by_id[i], config) for i in dict.fromkeys(ids) if i in by_id])


def _json_object(body: bytes) -> tuple[dict[str, Any], str | None]:
    try:
        parsed = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return {}, "The request body is not valid JSON."
    if not isinstance(parsed, dict):
        return {}, "The request body must be a JSON object."
    return parsed, None


def envelope(
    entity: Entity, verb: str, record_id: int, now: str, email: str, created: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The documented write answer: `Value` is `{"Id": n}`. Live (observed profile) a create answer
    carries the whole `created` record and names it in the message; updates and deletes only the Id."""
    message = f"{entity.name} was successfully {verb}."
    if created is not None:
        message = f'{display_name(entity)} "{created["ToStringText"]}" was successfully {verb}.'
        now = fractional(now, (entity.name, record_id, "answer")) or now
    return {
        "Status": 200,
        "Message": message,
        "Value": created if created is not None else {"Id": record_id},
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": now,
        "UpdatedBy": email,
        "Errors": None,
        "WasSuccessful": True,
    }


def write(db: Database, entity: Entity, body: dict[str, Any], email: str, config: Config, update: bool) -> Response:
    rules = TOKEN_RULES if entity is PAYMENT_TOKEN else LEDGER_RULES
    balance_as_sent = entity is LEDGER_ENTRY and config.ledger_balance == "as_sent"
    if balance_as_sent:
        rules = LEDGER_RULES_BALANCE_AS_SENT
    now = now_wire()
    with db.transaction() as conn:
        old = None
        if update:
            record_id = body.get("Id")
            if isinstance(record_id, bool) or not isinstance(record_id, int):
                return json_response(400, failure_body([error("Id", "is a required field", record_id)]))
            old = conn.execute(f"SELECT * FROM {entity.table} WHERE id = ?", (record_id,)).fetchone()
            if old is None:
                return json_response(404, NOT_FOUND)
        values, errors = validate(rules, body, db)
        if errors:
            return json_response(400, failure_body(errors))
        if entity is LEDGER_ENTRY:
            _ledger_defaults(conn, values, now, balance_as_sent)
        values["updated_on"], values["updated_by"] = now, email
        if old is not None:
            assignments = ", ".join(f"{column} = ?" for column in values)
            conn.execute(f"UPDATE {entity.table} SET {assignments} WHERE id = ?", [*values.values(), old["id"]])
            record_id = old["id"]
        else:
            values["unique_id"], values["created_on"] = str(uuid.uuid4()), now
            columns = ", ".join(values)
            cursor = conn.execute(
                f"INSERT INTO {entity.table} ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values())
            )
            record_id = cursor.lastrowid
        if entity is LEDGER_ENTRY:
            _after_ledger_write(conn, values, old, now, email, balance_as_sent)
        created = None
        if config.observed and not update:
            row = conn.execute(f"SELECT * FROM {entity.view} WHERE id = ?", (record_id,)).fetchone()
            created = _record(entity, row, config)
    return json_response(200, envelope(entity, "updated" if update else "created", record_id, now, email, created))


def _ledger_defaults(conn: Any, values: dict[str, Any], now: str, balance_as_sent: bool) -> None:
    """Server-side fields: a missing date is now, the local twin follows the location's time zone,
    Billed defaults to false; the typed Balance is replaced by the recomputed one, or, with
    `ledger_balance = as_sent`, kept as sent (0 when none was sent)."""
    values["transaction_date"] = values["transaction_date"] or now
    if not values["transaction_date_local"]:
        zone = conn.execute("SELECT time_zone FROM businesses WHERE id = ?", (values["business_id"],)).fetchone()
        values["transaction_date_local"] = local_wire(values["transaction_date"], zone[0] if zone else "UTC")
    values["billed"] = values["billed"] or 0
    values["payment_gateway_name"] = values["payment_gateway_name"] or 0
    values["balance_cents"] = (values["balance_cents"] or 0) if balance_as_sent else 0


def _after_ledger_write(
    conn: Any, values: dict[str, Any], old: Any, now: str, email: str, balance_as_sent: bool
) -> None:
    chains = {(values["coworker_id"], values["business_id"])}
    invoices = {values["coworker_invoice_id"]}
    if old is not None:
        chains.add((old["coworker_id"], old["business_id"]))
        invoices.add(old["coworker_invoice_id"])
    if not balance_as_sent:
        for coworker_id, business_id in chains:
            recompute_chain(conn, coworker_id, business_id)
    for invoice_id in invoices:
        recompute_invoice(conn, invoice_id, now, email)


def delete(db: Database, entity: Entity, record_id: int, email: str, config: Config) -> Response:
    now = now_wire()
    with db.transaction() as conn:
        old = conn.execute(f"SELECT * FROM {entity.table} WHERE id = ?", (record_id,)).fetchone()
        if old is None:
            return json_response(404, NOT_FOUND)
        conn.execute(f"DELETE FROM {entity.table} WHERE id = ?", (record_id,))
        if entity is LEDGER_ENTRY:
            if config.ledger_balance == "recompute":
                recompute_chain(conn, old["coworker_id"], old["business_id"])
            recompute_invoice(conn, old["coworker_invoice_id"], now, email)
    return json_response(200, envelope(entity, "deleted", record_id, now, email))
