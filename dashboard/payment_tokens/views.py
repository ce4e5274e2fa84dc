"""Payment token pages: search, create (once per form), detail, and the on-request token reveal."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dashboard.accounts.services import forget_refusal, remember_refusal
from dashboard.accounts.session import nexudus_client
from dashboard.audit.services import record_export
from dashboard.core.export.response import CsvExport
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx, wants_fragment
from dashboard.core.listing.search import render_search
from dashboard.core.params import MAX_INT32, id_prefill, looks_like_id
from dashboard.core.problems import attempt, upstream_problem_page
from dashboard.core.submissions import SubmissionOutcome, problem_for_outcome, submit_once
from dashboard.invoices.selectors import invoice_numbered
from dashboard.nexudus.enums import ledger_gateway_for
from dashboard.nexudus.errors import NexudusValidationError
from dashboard.nexudus.queries import PaymentTokenDraft
from dashboard.nexudus.records import PaymentToken, WriteResult

from .forms import ConfirmForm, PaymentTokenEditForm, PaymentTokenForm, PaymentTokenSearchForm
from .selectors import payment_token_get, payment_token_rows, token_invoice
from .services import payment_token_create, payment_token_delete, payment_token_update
from .tables import PaymentTokenTable

logger = logging.getLogger(__name__)

CREATE_ROLE = "CoworkerInvoicePaymentToken-Create"
LIST_ROLE = "CoworkerInvoicePaymentToken-List"
READ_ROLE = "CoworkerInvoicePaymentToken-Read"
EDIT_ROLE = "CoworkerInvoicePaymentToken-Edit"
NOTHING_CHANGED = "Nothing was changed: change the provider or the notes, or go back to the token."
DELETE_ROLE = "CoworkerInvoicePaymentToken-Delete"
PURPOSE = "payment_tokens:create"
PREFILL = ("coworker_invoice_id",)


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
        form = PaymentTokenForm(initial=id_prefill(request.GET, PREFILL))
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
        forget_refusal(request, CREATE_ROLE)
        return _created(request, outcome, draft)
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
    if problem is not None and problem.kind == "permission":  # the buttons say so from now on
        remember_refusal(request, CREATE_ROLE)
    return _render_create(request, form, problem=problem, check_url=check_url, outcome=outcome)


def _render_create(request: HttpRequest, form: PaymentTokenForm, **context) -> HttpResponse:
    context = {"form": form, **context}
    return render_page_or_fragment(request, "payment_tokens/new.html", "create", context)


def _next_steps(request: HttpRequest, invoice_id: int | None, provider: object) -> dict[str, Any]:
    """Where a saved token leads: its invoice, the invoice's customer, and the ledger form for recording
    the payment with customer, business, invoice, what is outstanding and the gateway filled in."""
    if invoice_id is None:
        return {}
    invoice, _problem = attempt(lambda: token_invoice(client=nexudus_client(request), invoice_id=invoice_id))
    params: dict[str, Any] = {"coworker_invoice_id": invoice_id, "code": "PAYM"}
    gateway = ledger_gateway_for(provider)
    if gateway is not None:
        params["payment_gateway"] = gateway.value
    steps: dict[str, Any] = {"next_invoice_id": invoice_id, "next_invoice": invoice}
    if invoice is not None:
        params.update({"coworker_id": invoice.coworker_id, "business_id": invoice.business_id})
        if invoice.outstanding > 0:
            params["credit"] = invoice.outstanding
        params["description"] = f"Payment for invoice {invoice.invoice_number or invoice.id}"
        if invoice.coworker_id is not None:
            steps["customer_url"] = reverse("ledger:customer", args=[invoice.coworker_id]) + (
                f"?{urlencode({'business': invoice.business_id})}" if invoice.business_id else ""
            )
    query = urlencode({name: value for name, value in params.items() if value is not None})
    steps["record_payment_url"] = f"{reverse('ledger:new')}?{query}"
    return steps


def _created(request: HttpRequest, outcome: SubmissionOutcome, draft: PaymentTokenDraft) -> HttpResponse:
    again = outcome.status == "duplicate"
    if wants_fragment(request):
        # "Record another" keeps the invoice: the next token is most often for the same one.
        again_form = PaymentTokenForm(initial={"coworker_invoice_id": draft.coworker_invoice_id})
        return _render_create(
            request,
            again_form,
            created=outcome,
            duplicate=again,
            **_next_steps(request, draft.coworker_invoice_id, draft.provider),
        )
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
    # One invoice read serves both the facts (number, customer) and the next steps (record its payment).
    steps = _next_steps(request, token.coworker_invoice_id, token.provider)
    context = {"token": token, "invoice": steps.get("next_invoice"), **steps}
    return render(request, "payment_tokens/detail.html", context)


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


# --- correcting a saved token: edit provider and notes, or delete; each through a confirm step, once ----


@never_cache
@require_http_methods(["GET", "POST"])
@vary_on_htmx
@upstream_problem_page(title="Payment token {token_id}", role=READ_ROLE)
def payment_token_edit_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = _get(request, token_id)
    if request.method == "GET":
        initial = {"provider": getattr(token.provider, "value", None), "notes": token.notes or ""}
        return _render_edit(request, token, PaymentTokenEditForm(initial=initial), stage="form")
    form = PaymentTokenEditForm(request.POST)
    action = request.POST.get("action")
    if action == "edit" or not form.is_valid():
        return _render_edit(request, token, form, stage="form")
    changes = form.changes(token)
    if not changes and action != "confirm":
        form.add_error(None, NOTHING_CHANGED)
        return _render_edit(request, token, form, stage="form")
    if action != "confirm":
        return _render_edit(request, token, form, stage="review", changes=changes)
    client = nexudus_client(request)
    draft = form.to_draft(token)

    def send() -> WriteResult:
        # Nothing left to change: a second click of a change already saved (its first result is shown,
        # send() is not called), or a change nobody made (refused, nothing sent).
        if not changes:
            raise NexudusValidationError(NOTHING_CHANGED)
        return payment_token_update(client=client, token_id=token_id, draft=draft, before=token)

    outcome = submit_once(
        user=request.user,
        key=form.cleaned_data["submission_key"],
        purpose=f"payment_tokens:update:{token_id}",
        send=send,
        link=lambda result: (reverse("payment_tokens:detail", args=[token_id]), f"Payment token {token_id}"),
    )
    if outcome.succeeded:
        messages.success(
            request,
            f"Payment token {token_id} was changed: "
            + "; ".join(f"{name} from “{before}” to “{after}”" for name, before, after in changes)
            + ".",
        )
        return redirect(reverse("payment_tokens:detail", args=[token_id]))
    problem = problem_for_outcome(
        outcome,
        form,
        role=EDIT_ROLE,
        check_url=reverse("payment_tokens:detail", args=[token_id]),
        check_hint=f"open payment token {token_id} and check its provider and notes",
        pending_error="This change is still being saved. Wait a moment, then open the token again.",
    )
    return _render_edit(request, token, form, stage="review" if problem else "form", changes=changes, problem=problem)


def _render_edit(request: HttpRequest, token: PaymentToken, form, *, stage: str, **context) -> HttpResponse:
    return render(request, "payment_tokens/edit.html", {"token": token, "form": form, "stage": stage, **context})


@never_cache
@require_http_methods(["GET", "POST"])
@vary_on_htmx
@upstream_problem_page(title="Payment token {token_id}", role=READ_ROLE)
def payment_token_delete_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = _get(request, token_id)
    if request.method == "GET":
        return render(request, "payment_tokens/delete.html", {"token": token, "form": ConfirmForm()})
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return render(request, "payment_tokens/delete.html", {"token": token, "form": form})
    client = nexudus_client(request)
    outcome = submit_once(
        user=request.user,
        key=form.cleaned_data["submission_key"],
        purpose=f"payment_tokens:delete:{token_id}",
        send=lambda: payment_token_delete(client=client, token_id=token_id, before=token),
        link=lambda result: (_search_by_invoice_url(token.coworker_invoice_id), f"Payment token {token_id}"),
    )
    if outcome.succeeded:
        messages.success(request, f"Payment token {token_id} was deleted. Its history stays in the audit trail.")
        return redirect(_search_by_invoice_url(token.coworker_invoice_id))
    problem = problem_for_outcome(
        outcome,
        form,
        role=DELETE_ROLE,
        check_url=reverse("payment_tokens:detail", args=[token_id]),
        check_hint=f"open payment token {token_id}: if it is not found, it was deleted",
        pending_error="This deletion is still being sent. Wait a moment, then open the token again.",
    )
    return render(request, "payment_tokens/delete.html", {"token": token, "form": form, "problem": problem})
