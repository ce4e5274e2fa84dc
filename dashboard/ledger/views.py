"""Ledger pages: search, detail, a customer's ledger, and the pickers of the create form (see create.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from dashboard.accounts.session import nexudus_client
from dashboard.audit.services import record_export
from dashboard.core.export.response import CsvExport, export_search_csv
from dashboard.core.htmx import vary_on_htmx, wants_fragment
from dashboard.core.listing.query import table_params
from dashboard.core.listing.search import SearchListing, filters_fragment, render_search
from dashboard.core.params import MAX_INT32, last_id
from dashboard.core.problems import attempt, upstream_problem_page
from dashboard.nexudus.queries import LedgerEntryQuery

from .chain import chain_warning, owes_words
from .chain_views import customer_ledger_export
from .chart import balance_chart
from .forms import CustomerLedgerSearchForm, LedgerEntrySearchForm
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


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Customer {coworker_id}", role=READ_ROLE)
def customer_ledger_view(request: HttpRequest, coworker_id: int) -> HttpResponseBase:
    """Name, business, balance in words, the chart, and the entries with the ledger search's filters, sort,
    paging and CSV export. Filtering, paging and sorting (htmx) re-render only the entries: one upstream
    call when the business is in the URL."""
    _valid_id(coworker_id, "customer")
    client = nexudus_client(request)
    form = CustomerLedgerSearchForm(request.GET, search_url=request.path, coworker_id=coworker_id)

    def search(query: LedgerEntryQuery):
        return ledger_entry_list(client=client, query=query)

    if request.GET.get("export") == "csv":
        return _customer_export(request, coworker_id, form, search)
    business_id = form.business_id
    if (fields := filters_fragment(request, form, clear_url=_clear_url(request, business_id))) is not None:
        return fields  # the folded filters opened: their fields, no upstream call
    listing = SearchListing.start(request, form, CustomerLedgerTable)
    query = listing.query()

    # Performance: with the business in the URL (and the default sort), the table's page is read in the
    # same round trip as the customer and their recent entries (customer_ledger's `alongside`).
    prefetched = None
    if query is not None and business_id is not None and listing.params.sort is None:
        # As the table will ask for it: its default order, newest first.
        prefetched = PrefetchedSearch(search, replace(query, order_by="transaction_date", descending=True))
    ledger = None
    if not (wants_fragment(request) and business_id):
        ledger = customer_ledger(
            client=client,
            coworker_id=coworker_id,
            business_id=business_id,
            alongside=prefetched.prefetch if prefetched else None,
        )
        business_id = ledger.business.id if ledger.business else None
        form.scope_to(business_id)

    table = problem = None
    if query is not None and business_id is not None:
        table, problem = listing.fetch(
            search=prefetched or search, query=replace(query, business_id=business_id), role=LIST_ROLE
        )
    # The whole ledger has its own export at the top (chain-checked); the one under the table is for a
    # filtered or re-sorted view of it.
    export = CUSTOMER_EXPORT if _narrowed(form, listing.params.sort) else None
    context = {
        **listing.context(table, problem, export=export, filter_panel="always"),
        "coworker_id": coworker_id,
        "business_id": business_id,
        "clear_url": _clear_url(request, business_id),
        "filters_label": "Filter these entries",
    }
    if ledger is None:
        return listing.respond("ledger/customer.html", context)
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
    return listing.respond("ledger/customer.html", context)


CUSTOMER_EXPORT = CsvExport(resource="ledger_entry", filename_prefix="ledger-customer", on_finished=record_export)


def _clear_url(request: HttpRequest, business_id: int | None) -> str:
    """The customer's page at the same business, with no filter."""
    return f"{request.path}?{urlencode({'business': business_id})}" if business_id else request.path


def _narrowed(form: CustomerLedgerSearchForm, sort: str | None) -> bool:
    """The entries shown are a filtered or re-sorted view of the ledger (valid filters only)."""
    return form.is_valid() and bool(form.filters_set or sort)


def _customer_export(request: HttpRequest, coworker_id: int, form: CustomerLedgerSearchForm, search):
    """`?export=csv` of the customer's page: with filters or a sort, exactly those entries (the ledger
    search's file; a wrong filter goes back to the page, which says why); without, their whole ledger oldest
    first with each balance checked."""
    if form.is_valid() and not _narrowed(form, table_params(request.GET, CustomerLedgerTable).sort):
        return customer_ledger_export(request, coworker_id)
    return export_search_csv(
        request,
        form=form,
        table_class=CustomerLedgerTable,
        columns=LedgerEntryTable.export_columns(),
        search=search,
        resource=CUSTOMER_EXPORT.resource,
        filename_prefix=f"{CUSTOMER_EXPORT.filename_prefix}-{coworker_id}",
        role=LIST_ROLE,
        on_finished=CUSTOMER_EXPORT.on_finished,
    )


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
