"""Ledger pages: search, detail, a customer's ledger, and the pickers of the create form (see create.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dashboard.accounts.session import nexudus_client
from dashboard.audit.services import record_export
from dashboard.core.export.response import CsvExport
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx, wants_fragment
from dashboard.core.listing.query import table_params
from dashboard.core.listing.search import build_table, preference_context, remember_table_choices, render_search
from dashboard.core.params import MAX_INT32, last_id
from dashboard.core.preferences import apply_columns
from dashboard.core.problems import attempt, upstream_problem_page
from dashboard.nexudus.queries import LedgerEntryQuery

from .chain import chain_warning, owes_words
from .chain_views import customer_ledger_export
from .chart import balance_chart
from .forms import LedgerEntrySearchForm
from .selectors import (
    PrefetchedSearch,
    business_search,
    coworker_search,
    customer_ledger,
    invoice_search,
    ledger_entry_get,
    ledger_entry_list,
    ledger_reversal_of,
    ledger_reversed_original,
)
from .tables import CustomerLedgerTable, LedgerEntryTable, invoice_url
from .wording import balance_in_words, format_money

LIST_ROLE = "CoworkerLedgerEntry-List"
READ_ROLE = "CoworkerLedgerEntry-Read"


def _valid_id(record_id: int, noun: str) -> None:
    if not 1 <= record_id <= MAX_INT32:  # no such Nexudus id: don't ask
        raise Http404(f"No {noun} {record_id}")


@require_GET
@vary_on_htmx
def ledger_entry_list_view(request: HttpRequest) -> HttpResponseBase:
    client = nexudus_client(request)
    return render_search(
        request,
        form_class=LedgerEntrySearchForm,
        table_class=LedgerEntryTable,
        search=lambda query: ledger_entry_list(client=client, query=query),
        template_name="ledger/list.html",
        role=LIST_ROLE,
        export=CsvExport(resource="ledger_entry", filename_prefix="ledger-entries", on_finished=record_export),
    )


@require_GET
@upstream_problem_page(title="Ledger entry {entry_id}", role=READ_ROLE)
def ledger_entry_detail_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    _valid_id(entry_id, "ledger entry")
    client = nexudus_client(request)
    entry = ledger_entry_get(client=client, entry_id=entry_id)
    # Reversed by another entry, or itself the reversal of one (each one search; a failure only hides it).
    reversed_by, _ = attempt(lambda: ledger_reversal_of(client=client, original=entry))
    reverses, _ = attempt(lambda: ledger_reversed_original(client=client, entry=entry))
    return render(
        request,
        "ledger/detail.html",
        {
            "entry": entry,
            "reversed_by": reversed_by,
            "reverse_url": f"{reverse('ledger:new')}?reverses={entry.id}",
            "reverses": reverses,
            "invoice_url": invoice_url(entry.coworker_invoice_id),
            "balance_words": balance_in_words(entry.balance, entry.currency_code),
        },
    )


def _business_param(request: HttpRequest) -> int | None:
    return last_id(request.GET, "business")


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Customer {coworker_id}", role=READ_ROLE)
def customer_ledger_view(request: HttpRequest, coworker_id: int) -> HttpResponseBase:
    """Name, business, balance in words, the chart, and the paged entries. Paging and sorting (htmx)
    re-render only the entries: one upstream call when the business is in the URL."""
    _valid_id(coworker_id, "customer")
    if request.GET.get("export") == "csv":  # the whole ledger, oldest first, each balance checked
        return customer_ledger_export(request, coworker_id)
    client = nexudus_client(request)
    business_id = _business_param(request)
    preference = remember_table_choices(request, CustomerLedgerTable)
    params = table_params(request.GET, CustomerLedgerTable, preference.per_page if preference else None)

    def entries_query(business: int | None) -> LedgerEntryQuery:
        return LedgerEntryQuery(
            coworker_id=coworker_id,
            business_id=business,
            page=params.page,
            size=params.per_page,
            order_by="transaction_date",
            descending=True,
        )

    # Performance: with the business in the URL (and the default sort), the table's page is read in the
    # same round trip as the customer and their recent entries (customer_ledger's `alongside`).
    search = PrefetchedSearch(lambda q: ledger_entry_list(client=client, query=q), entries_query(business_id))
    prefetch = search.prefetch if business_id is not None and params.sort is None else None
    ledger = None
    if not (wants_fragment(request) and business_id):
        ledger = customer_ledger(client=client, coworker_id=coworker_id, business_id=business_id, alongside=prefetch)
        business_id = ledger.business.id if ledger.business else None

    query = entries_query(business_id)
    table = problem = None
    if business_id is not None:
        table, problem = attempt(
            lambda: build_table(CustomerLedgerTable, query=query, params=params, search=search), role=LIST_ROLE
        )
        if table is not None:
            apply_columns(table, preference)
    context = {
        "table": table,
        "problem": problem,
        "coworker_id": coworker_id,
        "business_id": business_id,
        "search_query": request.GET,
        **preference_context(CustomerLedgerTable, preference),
    }
    if ledger is None:
        return render(request, "ledger/customer.html#results", context)
    context.update(
        {
            "ledger": ledger,
            # What the entries add up to, with Nexudus's figure beside it when the chain breaks.
            "balance_words": owes_words(ledger.chain),
            "chain_warning": chain_warning(ledger.chain),
            "chart": balance_chart(
                ledger.history,
                currency_code=ledger.currency_code,
                customer=ledger.coworker.full_name or f"customer {coworker_id}",
                truncated=ledger.history_truncated,
            ),
        }
    )
    return render_page_or_fragment(request, "ledger/customer.html", "results", context)


# --- pickers of the create form: a short list of buttons under a search box ----------------------------


@dataclass(frozen=True)
class PickerOption:
    id: int
    label: str
    detail: str = ""
    business_id: int | None = None  # a customer's invoicing business, offered to the business picker
    business_name: str = ""


def _picker(request: HttpRequest, find, *, allow_empty: bool = False) -> HttpResponse:
    text = (request.GET.get("q") or "").strip()[:100]
    context: dict = {"text": text, "options": []}
    if (text or allow_empty) and "\x00" not in text:
        options, context["problem"] = attempt(lambda: find(nexudus_client(request), text))
        context["options"] = options or []
    return render(request, "ledger/_picker_options.html", context)


@require_GET
def pick_business_view(request: HttpRequest) -> HttpResponse:
    return _picker(
        request,
        lambda client, text: [
            PickerOption(b.id, b.name or f"Business {b.id}", b.currency_code or "")
            for b in business_search(client=client, text=text)
        ],
        allow_empty=True,
    )


@require_GET
def pick_coworker_view(request: HttpRequest) -> HttpResponse:
    return _picker(
        request,
        lambda client, text: [
            PickerOption(
                c.id,
                c.full_name or f"Customer {c.id}",
                c.email or c.company_name or "",
                business_id=c.invoicing_business_id,
                business_name=c.invoicing_business_name or "",
            )
            for c in coworker_search(client=client, text=text)
        ],
    )


@require_GET
def pick_invoice_view(request: HttpRequest) -> HttpResponse:
    coworker_id = last_id(request.GET, "coworker_id")
    return _picker(
        request,
        lambda client, text: [
            PickerOption(
                i.id,
                i.invoice_number or f"Invoice {i.id}",
                " · ".join(
                    filter(
                        None,
                        [
                            i.coworker_full_name,
                            format_money(i.total_amount, i.currency_code),
                            "paid" if i.paid else f"{format_money(i.outstanding, i.currency_code)} due",
                        ],
                    )
                ),
            )
            for i in invoice_search(client=client, text=text, coworker_id=coworker_id)
        ],
        allow_empty=coworker_id is not None,
    )
