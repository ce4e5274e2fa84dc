"""A customer's payment tokens: the section of their page that lists the tokens of their invoices."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dashboard.accounts.session import nexudus_client
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx
from dashboard.core.params import MAX_INT32, parse_id
from dashboard.core.problems import upstream_problem_page
from dashboard.invoices.selectors import customer_invoices

from .selectors import customer_token_rows

LIST_ROLE = "CoworkerInvoicePaymentToken-List"


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Payment tokens of customer {coworker_id}", role=LIST_ROLE)
def customer_tokens_view(request: HttpRequest, coworker_id: int) -> HttpResponse:
    """Loaded into the customer's page by their invoices section, which names its invoices (`?invoice=`,
    those to pay first): their tokens cost no second invoice search. Without them (a link from elsewhere),
    the customer's invoices are read first. Without htmx, a page of its own."""
    if not 1 <= coworker_id <= MAX_INT32:
        raise Http404("No such customer.")
    client = nexudus_client(request)
    if "invoice" in request.GET:
        invoice_ids = [found for raw in request.GET.getlist("invoice") if (found := parse_id(raw)) is not None]
    else:
        rows, _total = customer_invoices(client=client, coworker_id=coworker_id)
        invoice_ids = [row.invoice.id for row in rows]
    tokens = customer_token_rows(client=client, coworker_id=coworker_id, invoice_ids=invoice_ids)
    context = {"tokens": tokens, "coworker_id": coworker_id}
    return render_page_or_fragment(request, "payment_tokens/customer_tokens.html", "tokens", context)
