"""Creating a ledger entry: form → review in words (nothing written) → confirm (written once per form).

The review step records a fingerprint of exactly what was shown in the session, under the form's
one-time key; the confirm POST writes only when it carries that same entry. The write goes through
core's `submit_once`, so double clicks, browser retries and resubmits create one record and show the first.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from dashboard.accounts.session import nexudus_client
from dashboard.core.forms import apply_upstream_errors, id_prefill
from dashboard.core.listing import wants_fragment
from dashboard.core.models import SubmissionKey
from dashboard.core.submissions import SubmissionOutcome, submit_once
from dashboard.core.upstream import describe_upstream_error
from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusError,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)

from .forms import LedgerEntryForm
from .selectors import EntryParties, entry_parties, ledger_entry_get
from .services import ledger_entry_create
from .wording import balance_state, entry_summary

CREATE_ROLE = "CoworkerLedgerEntry-Create"
PURPOSE = "ledger:create"
REVIEWED_SESSION_KEY = "ledger_reviewed"  # {submission key: fingerprint of the entry shown for review}
REVIEWS_KEPT = 20
PENDING_WAIT_SECONDS = 10.0  # a second click waits this long for the first click's answer
PREFILL = ("business_id", "coworker_id", "coworker_invoice_id")


def _render(request: HttpRequest, stage: str, **context) -> HttpResponse:
    context = {"stage": stage, **context}
    if wants_fragment(request):
        return render(request, "ledger/new.html#flow", context)
    return render(request, "ledger/new.html", context)


def _customer_ledger_url(coworker_id: int, business_id: int) -> str:
    return f"{reverse('ledger:customer', args=[coworker_id])}?{urlencode({'business': business_id})}"


@never_cache
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def ledger_entry_new_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "form", form=LedgerEntryForm(initial=id_prefill(request.GET, PREFILL)))

    form = LedgerEntryForm(request.POST)
    action = request.POST.get("action")
    if action == "edit" or not form.is_valid():
        return _render(request, "form", form=form)
    client = nexudus_client(request)
    try:
        parties = entry_parties(
            client=client,
            business_id=form.cleaned_data["business_id"],
            coworker_id=form.cleaned_data["coworker_id"],
            coworker_invoice_id=form.cleaned_data.get("coworker_invoice_id"),
        )
    except NexudusAuthExpired:
        raise
    except NexudusValidationError as error:
        apply_upstream_errors(form, error)
        return _render(request, "form", form=form)
    except NexudusError as error:
        return _render(request, "form", form=form, problem=describe_upstream_error(error))
    if not form.check_currency_places(parties.currency_code):
        return _render(request, "form", form=form)

    key = str(form.cleaned_data["submission_key"])
    reviewed = dict(request.session.get(REVIEWED_SESSION_KEY, {}))
    fingerprint = form.fingerprint()
    if action != "confirm" or reviewed.get(key) != fingerprint:
        reviewed.pop(key, None)
        reviewed[key] = fingerprint
        request.session[REVIEWED_SESSION_KEY] = dict(list(reviewed.items())[-REVIEWS_KEPT:])
        return _review(request, form, parties, changed=action == "confirm")
    return _confirm(request, form, parties, client)


def _review(
    request: HttpRequest, form: LedgerEntryForm, parties: EntryParties, *, changed: bool = False, problem=None
) -> HttpResponse:
    """The entry in words, before anything is written; also where a failed confirm is explained."""
    data = form.cleaned_data
    summary = entry_summary(
        debit=data["debit"],
        credit=data["credit"],
        currency_code=parties.currency_code,
        customer=parties.coworker.full_name or f"customer {parties.coworker.id}",
        business=parties.business.name or f"business {parties.business.id}",
        invoice_number=(parties.invoice.invoice_number or str(parties.invoice.id)) if parties.invoice else None,
        balance_before=parties.balance_before,
    )
    warnings = list(parties.warnings)
    if form.both_amounts:
        warnings.insert(
            0,
            "Both Debit and Credit are set. An entry normally has one of them: check this is "
            "intended (the balance moves by the difference).",
        )
    return _render(
        request,
        "review",
        form=form,
        parties=parties,
        summary=summary,
        warnings=warnings,
        changed=changed,
        problem=problem,
        can_confirm=problem is None or problem.kind != "outcome_unknown",
    )


def _await_first_answer(request: HttpRequest, key, outcome: SubmissionOutcome) -> SubmissionOutcome:
    """A second click while the first is still with Nexudus: wait briefly for its answer, then show it."""
    deadline = time.monotonic() + PENDING_WAIT_SECONDS
    while outcome.status == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        row = SubmissionKey.objects.filter(user=request.user, key=key, purpose=PURPOSE).first()
        if row is None:  # the first attempt failed and released the key: nothing was written
            return SubmissionOutcome(
                status="failed",
                error=NexudusError(
                    "The first attempt to save this entry failed; nothing was written. Confirm again to retry."
                ),
            )
        if row.state == SubmissionKey.State.DONE:
            return SubmissionOutcome(
                status="duplicate", result_id=row.result_id, result_url=row.result_url, result_label=row.result_label
            )
        if row.state == SubmissionKey.State.UNKNOWN:
            return SubmissionOutcome(status="unknown")
    return outcome


def _confirm(request: HttpRequest, form: LedgerEntryForm, parties: EntryParties, client) -> HttpResponse:
    key = form.cleaned_data["submission_key"]
    # Nexudus requires a Balance and recomputes it; send what we expect it to become.
    draft = form.draft(expected_balance=parties.balance_before + form.net_change)
    outcome = submit_once(
        user=request.user,
        key=key,
        purpose=PURPOSE,
        send=lambda: ledger_entry_create(client=client, draft=draft),
        link=lambda result: (reverse("ledger:detail", args=[result.id]), f"Ledger entry {result.id}"),
    )
    outcome = _await_first_answer(request, key, outcome)
    check_url = _customer_ledger_url(draft.coworker_id, draft.business_id)
    if outcome.succeeded:
        return _done(request, outcome, client, check_url)
    if outcome.status == "failed" and isinstance(outcome.error, NexudusValidationError):
        apply_upstream_errors(form, outcome.error)
        return _render(request, "form", form=form)
    if outcome.status == "failed":
        problem = describe_upstream_error(outcome.error, writing=True, role=CREATE_ROLE)
    elif outcome.status == "unknown":
        problem = describe_upstream_error(
            NexudusWriteOutcomeUnknown(),
            writing=True,
            check_url=check_url,
            check_hint=f"look for it among the newest entries of {parties.coworker.full_name}'s ledger",
        )
    else:
        problem = describe_upstream_error(
            NexudusWriteOutcomeUnknown("Still being saved."),
            writing=True,
            check_url=check_url,
            check_hint="this entry is still being saved; look at the customer's ledger in a minute",
        )
    return _review(request, form, parties, problem=problem)


def _done(request: HttpRequest, outcome: SubmissionOutcome, client, check_url: str) -> HttpResponse:
    """The saved entry as Nexudus now has it (get-one), so the balance shown is the one it computed."""
    entry = problem = None
    try:
        entry = ledger_entry_get(client=client, entry_id=outcome.result_id)
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        problem = describe_upstream_error(error)
    balance_words = balance_state(entry.balance, entry.currency_code) if entry else ""
    return _render(
        request,
        "done",
        outcome=outcome,
        entry=entry,
        problem=problem,
        check_url=check_url,
        duplicate=outcome.status == "duplicate",
        balance_words=balance_words,
    )
