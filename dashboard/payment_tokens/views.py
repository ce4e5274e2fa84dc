"""Payment token pages: search, create (once per form), detail, and the on-request token reveal."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dashboard.accounts.session import nexudus_client
from dashboard.audit.services import record_export
from dashboard.core.export.response import CsvExport
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx, wants_fragment
from dashboard.core.listing.search import render_search
from dashboard.core.params import MAX_INT32, id_prefill, looks_like_id
from dashboard.core.problems import attempt, upstream_problem_page
from dashboard.core.submissions import SubmissionOutcome, problem_for_outcome, submit_once
from dashboard.invoices.selectors import invoice_numbered
from dashboard.nexudus.records import PaymentToken

from .forms import PaymentTokenForm, PaymentTokenSearchForm
from .selectors import payment_token_get, payment_token_rows, token_invoice
from .services import payment_token_create
from .tables import PaymentTokenTable

logger = logging.getLogger(__name__)

CREATE_ROLE = "CoworkerInvoicePaymentToken-Create"
LIST_ROLE = "CoworkerInvoicePaymentToken-List"
READ_ROLE = "CoworkerInvoicePaymentToken-Read"
PURPOSE = "payment_tokens:create"


@require_GET
@vary_on_htmx
def payment_token_list_view(request: HttpRequest) -> HttpResponseBase:
    client = nexudus_client(request)
    if (by_number := _invoice_id_for_number(request, client)) is not None:
        return by_number
    return render_search(
        request,
        form_class=PaymentTokenSearchForm,
        table_class=PaymentTokenTable,
        search=lambda query: payment_token_rows(client=client, query=query),
        template_name="payment_tokens/list.html",
        role=LIST_ROLE,
        export=CsvExport(resource="payment_token", filename_prefix="payment-tokens", on_finished=record_export),
    )


def _invoice_id_for_number(request: HttpRequest, client) -> HttpResponse | None:
    """An invoice NUMBER typed in the "Invoice ID" filter is looked up: the same search with its id."""
    typed = request.GET.get("coworker_invoice_id", "")
    if not typed.strip() or looks_like_id(typed):
        return None
    invoice, _problem = attempt(lambda: invoice_numbered(client=client, text=typed), role="CoworkerInvoice-List")
    if invoice is None:
        return None  # the form says what an invoice id looks like
    query = request.GET.copy()
    query["coworker_invoice_id"] = str(invoice.id)
    query.pop("page", None)
    return redirect(f"{request.path}?{query.urlencode()}")


def _search_by_invoice_url(invoice_id: int | None) -> str:
    base = reverse("payment_tokens:list")
    return f"{base}?{urlencode({'coworker_invoice_id': invoice_id})}" if invoice_id else base


# Not no-store: after "back", the browser must show the SAME form (same one-time key), so that sending it
# again shows the first result instead of creating a second record.
@cache_control(private=True)
@require_http_methods(["GET", "POST"])
@vary_on_htmx
def payment_token_create_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Links from the invoice page open the form with that invoice filled in.
        form = PaymentTokenForm(initial=id_prefill(request.GET, ["coworker_invoice_id"]))
        return _render_create(request, form)
    form = PaymentTokenForm(request.POST)
    if not form.is_valid():
        return _render_create(request, form)
    client = nexudus_client(request)
    draft = form.to_draft()
    outcome = submit_once(
        user=request.user,
        key=form.cleaned_data["submission_key"],
        purpose=PURPOSE,
        send=lambda: payment_token_create(client=client, draft=draft),
        link=lambda result: (
            reverse("payment_tokens:detail", args=[result.id]),
            f"Payment token {result.id}",
        ),
    )
    if outcome.succeeded:
        return _created(request, outcome)
    check_url = _search_by_invoice_url(draft.coworker_invoice_id)
    problem = problem_for_outcome(
        outcome,
        form,
        role=CREATE_ROLE,
        check_url=check_url,
        check_hint=f"search payment tokens for invoice ID {draft.coworker_invoice_id}",
        # The first click's request is still with Nexudus.
        pending_error="This entry is still being saved. Wait a moment, then check the payment tokens for this "
        "invoice before entering it again.",
    )
    return _render_create(request, form, problem=problem, check_url=check_url, outcome=outcome)


def _render_create(request: HttpRequest, form: PaymentTokenForm, **context) -> HttpResponse:
    context = {"form": form, **context}
    return render_page_or_fragment(request, "payment_tokens/new.html", "create", context)


def _created(request: HttpRequest, outcome: SubmissionOutcome) -> HttpResponse:
    again = outcome.status == "duplicate"
    if wants_fragment(request):
        return _render_create(request, PaymentTokenForm(), created=outcome, duplicate=again)
    if again:
        messages.info(request, f"This form was already sent: {outcome.result_label} was created then.")
    else:
        messages.success(request, f"{outcome.result_label} was created.")
    return redirect(outcome.result_url)


def _get(request: HttpRequest, token_id: int) -> PaymentToken:
    if not 1 <= token_id <= MAX_INT32:  # no such Nexudus id: don't ask
        raise Http404(f"No payment token {token_id}")
    return payment_token_get(client=nexudus_client(request), token_id=token_id)


@require_GET
@vary_on_htmx
@upstream_problem_page(title="Payment token {token_id}", role=READ_ROLE)
def payment_token_detail_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = _get(request, token_id)
    invoice = token_invoice(client=nexudus_client(request), token=token)
    return render(request, "payment_tokens/detail.html", {"token": token, "invoice": invoice})


@never_cache
@require_GET
@vary_on_htmx
@upstream_problem_page(title="Payment token {token_id}", role=READ_ROLE)
def payment_token_reveal_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """The unmasked token, only when the person asked for it (never cached, logged without the value)."""
    token = _get(request, token_id)
    logger.info("Payment token %s revealed by user %s", token_id, request.user.pk)
    template = "payment_tokens/_revealed.html" if wants_fragment(request) else "payment_tokens/revealed.html"
    return render(request, template, {"token": token})
