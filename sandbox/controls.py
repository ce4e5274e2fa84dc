"""The `/_sandbox/` control endpoints used by tests and benchmarks (JSON in, JSON out).

GET  /_sandbox/health            liveness and what was seeded
POST /_sandbox/reset             seed data, CLI config, no faults, zero counters
GET  /_sandbox/config            current settings;  POST: change some of them
GET  /_sandbox/faults            armed faults;  POST: arm one;  DELETE: disarm all
GET  /_sandbox/counters          request counters;  POST /_sandbox/counters/reset: zero them
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .faults import parse_fault
from .messages import Request, Response, json_response

if TYPE_CHECKING:
    from .app import Sandbox


def _body(request: Request) -> tuple[Any, Response | None]:
    try:
        return (json.loads(request.body) if request.body.strip() else {}), None
    except (ValueError, UnicodeDecodeError):
        return None, json_response(400, {"error": "The body must be JSON."})


def handle(sandbox: Sandbox, request: Request) -> Response:
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_sandbox/health"):
        counts = {
            table: sandbox.db.scalar(f"SELECT COUNT(*) FROM {table}")
            for table in ("businesses", "coworkers", "invoices", "tokens", "ledger")
        }
        return json_response(
            200, {"status": "ok", "seed": sandbox.seeding.seed, "scale": sandbox.seeding.scale, "counts": counts}
        )
    if route == ("POST", "/_sandbox/reset"):
        sandbox.reset()
        return json_response(200, {"status": "reset", "config": sandbox.config.as_dict()})
    if route[1] == "/_sandbox/config":
        if request.method == "GET":
            return json_response(200, sandbox.config.as_dict())
        if request.method == "POST":
            payload, problem = _body(request)
            if problem:
                return problem
            if not isinstance(payload, dict):
                return json_response(400, {"error": "The body must be a JSON object."})
            config, errors = sandbox.config.updated(payload)
            if config is None:
                return json_response(400, {"error": "; ".join(errors)})
            sandbox.config = config
            return json_response(200, config.as_dict())
    if route[1] == "/_sandbox/faults":
        if request.method == "GET":
            return json_response(200, sandbox.faults.listing())
        if request.method == "DELETE":
            sandbox.faults.clear()
            return json_response(200, {"status": "cleared"})
        if request.method == "POST":
            payload, problem = _body(request)
            if problem:
                return problem
            fault, message = parse_fault(payload)
            if fault is None:
                return json_response(400, {"error": message})
            sandbox.faults.add(fault)
            return json_response(200, {"status": "armed", "faults": sandbox.faults.listing()})
    if route == ("GET", "/_sandbox/counters"):
        return json_response(200, sandbox.counters.snapshot())
    if route == ("POST", "/_sandbox/counters/reset"):
        sandbox.counters.reset()
        return json_response(200, sandbox.counters.snapshot())
    return json_response(404, {"error": f"No control at {request.method} {request.path}."})
