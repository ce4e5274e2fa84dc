"""Pages about whether a customer's ledger adds up: the chain-checked CSV export and the standing fragment
the invoice page loads under its verdict."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from dashboard.accounts.session import nexudus_client
from dashboard.audit.services import record_export
from dashboard.core.export.cells import ExportColumn
from dashboard.core.export.response import csv_export_response
from dashboard.core.htmx import wants_fragment
from dashboard.core.params import MAX_INT32
from dashboard.core.problems import describe_upstream_error
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import LedgerEntryQuery

from .chain import ChainFollower, chain_warning, owes_words
from .selectors import customer_chain, ledger_entry_list
from .tables import LedgerEntryTable

LIST_ROLE = "CoworkerLedgerEntry-List"


def _ids(coworker_id: int, request: HttpRequest) -> int | None:
    if not 1 <= coworker_id <= MAX_INT32:
        raise Http404(f"No customer {coworker_id}")
    raw = (request.GET.get("business") or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_INT32 else None


def chain_export_columns() -> list[ExportColumn]:
    """The ledger export's columns and a "Balance check" of each row against the row before it of the same
    business. A column rather than a closing note: the file is in chain order (oldest first), so each row
    is judged as it streams, with nothing held back, and a spreadsheet filter finds every broken row."""
    follower = ChainFollower()  # one per file: it remembers the previous row's balance
    return [*LedgerEntryTable.export_columns(), ExportColumn("Balance check", follower.check)]


def customer_ledger_export(request: HttpRequest, coworker_id: int) -> HttpResponse:
    """`?export=csv` of the customer's ledger page: their whole ledger (at one business, or all), oldest
    first, each balance checked."""
    business_id = _ids(coworker_id, request)
    client = nexudus_client(request)
    query = LedgerEntryQuery(
        coworker_id=coworker_id, business_id=business_id, order_by="transaction_date", descending=False
    )
    return csv_export_response(
        request,
        search=lambda q: ledger_entry_list(client=client, query=q),
        query=query,
        columns=chain_export_columns(),
        resource="ledger_entry",
        filename_prefix=f"ledger-customer-{coworker_id}",
        role=LIST_ROLE,
        on_finished=record_export,
    )


@require_GET
def customer_standing_view(request: HttpRequest, coworker_id: int) -> HttpResponse:
    """What the customer owes at a business by their entries, and whether the chain adds up (a fragment)."""
    business_id = _ids(coworker_id, request)
    context = {
        "ledger_url": reverse("ledger:customer", args=[coworker_id])
        + (f"?{urlencode({'business': business_id})}" if business_id else ""),
        "check": None,
        "problem": None,
    }
    if not wants_fragment(request):  # JavaScript off: the customer's ledger page says the same, and more
        return redirect(context["ledger_url"])
    if business_id is not None:
        try:
            check = customer_chain(client=nexudus_client(request), coworker_id=coworker_id, business_id=business_id)
            context.update({"check": check, "owes": owes_words(check), "warning": chain_warning(check)})
        except NexudusAuthExpired:
            raise
        except NexudusError as error:
            context["problem"] = describe_upstream_error(error, role=LIST_ROLE)
    return render(request, "ledger/_standing.html", context)
