"""The bank statement import against the write budget: lines posted per minute by the real worker, next to
what the person's budget allows (issue 21: the budget, not the dashboard, should be the limit).

The budget is scaled down (by default 30 writes per 10 s instead of 60 per 61 s) so that several windows
pass in well under a minute; the ratio to the budget's own ceiling is what the figure means.
"""

from __future__ import annotations

import math
import re
import subprocess
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .browser import VirtualUser
from .config import PY, ROOT, VAR
from .htmlparse import find_form
from .upstream import UpstreamProbe

STATUS = re.compile(r'data-status="(\w+)"')
DONE = re.compile(r'data-count="done">(\d+)<')
FAILED = re.compile(r'data-count="failed">(\d+)<')


def _statement(probe: UpstreamProbe, lines: int) -> str:
    """`lines` transfers, each paying one unpaid invoice in full, its number in the reference."""
    data = probe.get_json("/api/billing/coworkerinvoices", {"size": "1000", "CoworkerInvoice_Paid": "false"})
    invoices = [r for r in data["Records"] if not r["Draft"] and not r["Void"] and r["InvoiceNumber"]]
    rows = ["Date,Reference,Payer,Amount"]
    for invoice in invoices[:lines]:
        owed = Decimal(str(invoice["TotalAmount"])) - Decimal(str(invoice["PaidAmount"]))
        if owed > 0:
            rows.append(f"03/03/2025,{invoice['InvoiceNumber']},{invoice['CoworkerFullName']},{owed:.2f}")
    return "\n".join(rows) + "\n"


def _post_form(user: VirtualUser, page_path: str, action: str, **overrides: str) -> str:
    page = user.get(page_path)
    form = find_form(page.text, action_contains=action, with_field="csrfmiddlewaretoken")
    if page.status != 200 or form is None:
        raise RuntimeError(f"{page_path} answered {page.status} without the {action} form")
    answer = user.post(form.action, form.data(**overrides))
    if answer.status != 302:
        raise RuntimeError(f"POST {form.action} answered {answer.status}")
    return answer.location


def measure(
    user: VirtualUser,
    probe: UpstreamProbe,
    env: Mapping[str, str],
    *,
    lines: int = 60,
    budget_writes: int = 30,
    budget_window_s: float = 10.0,
    timeout_s: float = 240.0,
) -> dict[str, Any]:
    probe.set_latency(0)
    columns = _post_form(user, "/statements/", "/statements/", pasted=_statement(probe, lines))
    import_id = int(re.search(r"/statements/(\d+)/", columns).group(1))
    review = _post_form(user, columns, f"/statements/{import_id}/columns/")
    worker_env = {
        **env,
        "NEXUDUS_BUDGET_WRITES": str(budget_writes),
        "NEXUDUS_BUDGET_WRITE_WINDOW": str(budget_window_s),
    }
    log_file = (VAR / "statements-worker.log").open("wb")
    # The worker is a process of its own with its own upstream connections: counted apart from the pools of
    # the gunicorn workers (the run's connection target), as what the sandbox accepted while it ran.
    connections_before, probe_before = probe.counters()["connections"], probe.connections_opened
    worker = subprocess.Popen(
        [str(PY), "manage.py", "statements_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=worker_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(2.0)  # the worker is up and polling before the clock starts
        _post_form(user, review, f"/statements/{import_id}/post/")
        started = time.monotonic()
        status, text = "queued", ""
        while status != "done" and time.monotonic() - started < timeout_s:
            time.sleep(0.25)
            text = user.get(f"/statements/{import_id}/progress/", fragment=True).text
            status = (STATUS.search(text) or [None, "?"])[1]
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log_file.close()
    connections = probe.counters()["connections"] - connections_before - (probe.connections_opened - probe_before)
    posted = int((DONE.search(text) or [None, 0])[1])
    failed = int((FAILED.search(text) or [None, 0])[1])
    # A sliding window lets `budget_writes` go at once, then `budget_writes` more per window: the least time
    # the budget itself allows for this many writes.
    floor_s = max(math.ceil(posted / budget_writes) - 1, 0) * budget_window_s
    budget_per_minute = budget_writes * 60 / budget_window_s
    return {
        "status": "ok" if status == "done" else f"not finished ({status})",
        "lines": posted,
        "failed": failed,
        "seconds": round(elapsed, 1),
        "lines_per_minute": round(posted * 60 / elapsed, 1) if elapsed else None,
        "budget_writes_per_minute": budget_per_minute,
        "budget_floor_seconds": floor_s,
        # 1.0: the import went as fast as the budget allows; below: the dashboard (or Nexudus) held it back.
        "share_of_budget": round(floor_s / elapsed, 2) if elapsed and floor_s else None,
        "upstream_connections": connections,
    }


def report_lines(result: Mapping[str, Any]) -> list[str]:
    if not result:
        return []
    if result.get("status") != "ok" and "lines" not in result:
        return ["", f"Statement import: {result.get('status')}"]
    return [
        "",
        f"Statement import ({result['status']}): {result['lines']} lines posted ({result['failed']} failed) in "
        f"{result['seconds']} s = {result['lines_per_minute']} lines/min; write budget "
        f"{result['budget_writes_per_minute']:.0f}/min allows it in {result['budget_floor_seconds']:.0f} s at best "
        f"(share of budget used: {result['share_of_budget']})",
    ]
