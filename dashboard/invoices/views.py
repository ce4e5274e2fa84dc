"""The home page (`/`, the quick-find box), quick find (`/find/`) and the invoice payment page (`/invoices/<id>/`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from dashboard.accounts.session import nexudus_client
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx, wants_fragment
from dashboard.core.params import MAX_INT32, parse_int
from dashboard.core.problems import upstream_problem_page

from .find import find_records
from .forms import QuickFindForm
from .selectors import customer_invoices, invoice_payments, invoice_token_section
from .verdict import invoice_verdict, token_notes

INVOICE_READ_ROLE = "CoworkerInvoice-Read"
#: Quick find pages through invoice numbers 20 at a time; beyond this, typing more is the answer.
FIND_MAX_PAGE = 1000


def _invoice_links(invoice) -> dict[str, str]:
    """Create forms prefilled for this invoice (they read these query parameters as initial values)."""
    entry = {"coworker_invoice_id": invoice.id}
    if invoice.coworker_id:
        entry["coworker_id"] = invoice.coworker_id
    if invoice.business_id:
        entry["business_id"] = invoice.business_id
    return {
        "new_token_url": f"{reverse('payment_tokens:new')}?{urlencode({'coworker_invoice_id': invoice.id})}",
        "new_entry_url": f"{reverse('ledger:new')}?{urlencode(entry)}",
        "tokens_list_url": f"{reverse('payment_tokens:list')}?{urlencode({'coworker_invoice_id': invoice.id})}",
        "entries_list_url": f"{reverse('ledger:list')}?{urlencode({'coworker_invoice_id': invoice.id})}",
    }


def _check_id(invoice_id: int) -> None:
    if not 1 <= invoice_id <= MAX_INT32:  # never sent: Nexudus ids are 32-bit
        raise Http404("No such invoice.")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the quick-find box (answered by `find_view`)."""
    return render(request, "invoices/home.html", {"find_form": QuickFindForm()})


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Invoice {invoice_id}", role=INVOICE_READ_ROLE)
def invoice_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _check_id(invoice_id)
    providers = request.GET.get("providers") == "1"  # JavaScript off: read the providers in this request
    client = nexudus_client(request)
    payments = invoice_payments(client=client, invoice_id=invoice_id, providers=providers)
    invoice = payments.invoice
    context = {
        "invoice": invoice,
        "payments": payments,
        "tokens": payments.tokens,
        "entries": payments.entries,
        "providers_loaded": payments.providers_loaded,
        "verdict": invoice_verdict(invoice, payments.entries.items, payments.tokens.items),
        "token_notes": token_notes(payments.tokens.items, payments.entries.items) if payments.providers_loaded else (),
        **_invoice_links(invoice),
    }
    return render(request, "invoices/invoice.html", context)


@require_GET
@vary_on_htmx
def invoice_tokens_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The tokens section with providers (search + one batch read), swapped in after the page loads.
    Without htmx it is the whole invoice page with providers."""
    if not wants_fragment(request):
        return redirect(f"{reverse('invoices:invoice', args=[invoice_id])}?providers=1")
    _check_id(invoice_id)
    tokens, entries = invoice_token_section(client=nexudus_client(request), invoice_id=invoice_id)
    context = {
        "token_notes": token_notes(tokens.items, entries.items) if not entries.error else (),
        "tokens": tokens,
        "providers_loaded": True,
        "invoice_id": invoice_id,
        "tokens_list_url": f"{reverse('payment_tokens:list')}?{urlencode({'coworker_invoice_id': invoice_id})}",
    }
    return render(request, "invoices/_tokens.html", context)


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Invoices of customer {coworker_id}", role="CoworkerInvoice-List")
def customer_invoices_view(request: HttpRequest, coworker_id: int) -> HttpResponse:
    """A customer's invoices, those to pay first, each with its verdict: loaded into their page after it
    shows (one search); without htmx, a page of its own."""
    if not 1 <= coworker_id <= MAX_INT32:
        raise Http404("No such customer.")
    rows, total = customer_invoices(client=nexudus_client(request), coworker_id=coworker_id)
    # Their payment tokens load next, by these invoices (the tokens search filters by invoice only).
    tokens_url = reverse("payment_tokens:customer", args=[coworker_id])
    tokens_url += "?" + urlencode([("invoice", row.invoice.id) for row in rows])
    context = {"rows": rows, "total": total, "coworker_id": coworker_id, "tokens_url": tokens_url}
    return render_page_or_fragment(request, "invoices/customer_invoices.html", "invoices", context)


@require_GET
def find_view(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("q", "").strip():  # nothing typed yet: the box, no error
        return render(request, "invoices/find.html", {"form": QuickFindForm(), "result": None})
    form = QuickFindForm(request.GET)
    if not form.is_valid():
        return render(request, "invoices/find.html", {"form": form, "result": None}, status=400)
    page = parse_int(request.GET.get("page"), min_value=1, max_value=FIND_MAX_PAGE) or 1
    text = form.cleaned_data["q"]
    result = find_records(client=nexudus_client(request), text=text, page=page)
    if result.only is not None and page == 1:
        return redirect(result.only.url)
    pages = {
        "previous": _find_url(text, result.invoice_page - 1) if result.invoice_page > 1 else None,
        "next": _find_url(text, result.invoice_page + 1) if result.invoice_page < result.invoice_pages else None,
    }
    return render(request, "invoices/find.html", {"form": form, "result": result, "pages": pages})


def _find_url(text: str, page: int) -> str:
    query = {"q": text, **({"page": str(page)} if page > 1 else {})}
    return f"{reverse('invoices:find')}?{urlencode(query)}"
