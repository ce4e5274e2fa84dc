"""Creating a ledger entry: form → review in words (nothing written) → confirm (written once per form).

The review step records a fingerprint of exactly what was shown in the session, under the form's
one-time key; the confirm POST writes only when it carries that same entry. The write goes through
core's `submit_once`, so double clicks, browser retries and resubmits create one record and show the first.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dashboard.accounts.services import forget_refusal, remember_refusal
from dashboard.accounts.session import nexudus_client
from dashboard.core.htmx import render_page_or_fragment, vary_on_htmx
from dashboard.core.params import id_prefill, last_id, parse_decimal, parse_id
from dashboard.core.problems import attempt, form_problem
from dashboard.core.submissions import SubmissionOutcome, problem_for_outcome, submit_once
from dashboard.nexudus.enums import PaymentProvider
from dashboard.nexudus.errors import NexudusError
from dashboard.nexudus.records import Business, Coworker, Invoice, LedgerEntry

from .forms import MAX_AMOUNT, LedgerEntryForm
from .reversal import reversal_initial, reversal_problems
from .selectors import (
    EntryParties,
    entry_parties,
    ledger_entry_get,
    ledger_reversal_of,
    party_labels,
    with_current_balance,
)
from .services import AlreadyReversed, BalanceMoved, LedgerBusy, LedgerWrite, ledger_entry_create
from .wording import (
    amount_warnings,
    back_dated_warning,
    balance_moved_note,
    balance_state,
    entry_summary,
    ledger_busy_problem,
)

CREATE_ROLE = "CoworkerLedgerEntry-Create"
PURPOSE = "ledger:create"
REVIEWED_SESSION_KEY = "ledger_reviewed"  # {submission key: fingerprint of the entry shown for review}
REVIEWS_KEPT = 20
# {submission key: the parties shown for review, with the fingerprint they were shown for} (see _reviewed_parties)
REVIEWED_PARTIES_SESSION_KEY = "ledger_reviewed_parties"
REVIEWED_PARTIES_KEPT = 5
REVIEWED_BALANCE_SESSION_KEY = "ledger_reviewed_balance"  # {submission key: [fingerprint, balance shown]}
PENDING_WAIT_SECONDS = 10.0  # a second click waits this long for the first click's answer
PREFILL = ("business_id", "coworker_id", "coworker_invoice_id")


def _render(request: HttpRequest, stage: str, **context) -> HttpResponse:
    context = {"stage": stage, **context}
    return render_page_or_fragment(request, "ledger/new.html", "flow", context)


def _customer_ledger_url(coworker_id: int, business_id: int) -> str:
    return f"{reverse('ledger:customer', args=[coworker_id])}?{urlencode({'business': business_id})}"


@never_cache
@require_http_methods(["GET", "POST"])
@vary_on_htmx
def ledger_entry_new_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if (original_id := last_id(request.GET, "reverses")) is not None:
            return _reversal_form(request, original_id)
        form = LedgerEntryForm(initial=_prefill(request))
        if "credit" in form.initial or "debit" in form.initial:
            # Opened with everything filled in: start on the amount, the one thing to check or change.
            name = "credit" if "credit" in form.initial else "debit"
            form.fields[name].widget.attrs["autofocus"] = True
        return _render(request, "form", form=form)

    form = LedgerEntryForm(request.POST)
    action = request.POST.get("action")
    if action == "edit" or not form.is_valid():
        if "reverses" in form.errors:  # a hidden field: its error goes above the form, in its own words
            for message in form.errors["reverses"]:
                form.add_error(None, f"The entry to reverse: {message} Open it and choose “Reverse this entry”.")
        return _render(request, "form", form=form)
    client = nexudus_client(request)
    original = None
    if (original_id := form.cleaned_data.get("reverses")) is not None:
        try:
            original = ledger_entry_get(client=client, entry_id=original_id)
            existing = ledger_reversal_of(client=client, original=original)
        except NexudusError as error:
            return _render(request, "form", form=form, problem=form_problem(form, error))
        if existing is not None:
            return _render(request, "form", form=form, already_reversed=existing, original=original)
        problems = reversal_problems(form.cleaned_data, original)
        for field_name, message in problems:
            form.add_error(field_name, message)
        if problems:
            return _render(request, "form", form=form, original=original)
    key = str(form.cleaned_data["submission_key"])
    fingerprint = form.fingerprint()
    reviewed = dict(request.session.get(REVIEWED_SESSION_KEY, {}))
    reviewed_balance = _reviewed_balance(request, key, fingerprint) if action == "confirm" else None
    # Saving exactly the entry just reviewed, on top of the balance that review showed.
    confirming = reviewed.get(key) == fingerprint and reviewed_balance is not None
    reviewed_parties = _reviewed_parties(request, key, fingerprint) if action == "confirm" else None
    try:
        if confirming and reviewed_parties is not None and reviewed_balance is not None:
            # The business, customer and invoice shown then stand, and so does the balance shown: the save
            # reads the latest balance again itself, inside the ledger's lock (services).
            parties = dataclasses.replace(reviewed_parties, balance_before=reviewed_balance)
        elif reviewed_parties is not None:
            parties = with_current_balance(client=client, parties=reviewed_parties)
        else:
            parties = entry_parties(
                client=client,
                business_id=form.cleaned_data["business_id"],
                coworker_id=form.cleaned_data["coworker_id"],
                coworker_invoice_id=form.cleaned_data.get("coworker_invoice_id"),
            )
            if confirming and reviewed_balance is not None:
                parties = dataclasses.replace(parties, balance_before=reviewed_balance)
    except NexudusError as error:
        return _render(request, "form", form=form, problem=form_problem(form, error))
    if not form.check_currency_places(parties.currency_code):
        return _render(request, "form", form=form)

    if not confirming:
        reviewed.pop(key, None)
        reviewed[key] = fingerprint
        request.session[REVIEWED_SESSION_KEY] = dict(list(reviewed.items())[-REVIEWS_KEPT:])
        _remember_parties(request, key, fingerprint, parties)
        return _review(request, form, parties, changed=action == "confirm", original=original)
    return _confirm(request, form, parties, client, original=original)


def _reversal_form(request: HttpRequest, original_id: int) -> HttpResponse:
    """ "Reverse this entry": the create form filled with the opposite entry, linked to the original."""
    client = nexudus_client(request)
    found, problem = attempt(lambda: ledger_entry_get(client=client, entry_id=original_id))
    if found is None:
        return _render(request, "form", form=LedgerEntryForm(), problem=problem)
    original: LedgerEntry = found
    existing, problem = attempt(lambda: ledger_reversal_of(client=client, original=original))
    form = LedgerEntryForm(initial=reversal_initial(original))
    return _render(request, "form", form=form, problem=problem, original=original, already_reversed=existing)


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """What a link to the form fills in (`?coworker_invoice_id=…&credit=…&payment_gateway=…`), with the
    names of the records it names read from Nexudus (an invoice alone brings its customer and business).
    Anything invalid is left out: a prefill is a convenience, the form validates what is sent."""
    params = request.GET
    initial: dict[str, Any] = id_prefill(params, PREFILL)
    for name in ("debit", "credit"):
        if (amount := parse_decimal(params.get(name), min_value=Decimal("0"), max_value=MAX_AMOUNT)) is not None:
            initial[name] = amount
    gateway = parse_id(params.get("payment_gateway"))
    if gateway is not None and gateway in {member.value for member in PaymentProvider}:
        initial["payment_gateway"] = gateway
    for name, limit in (("description", 255), ("code", 50)):
        text = params.get(name)
        if isinstance(text, str) and text.strip() and len(text) <= limit and "\x00" not in text:
            initial[name] = text.strip()
    if any(name in initial for name in PREFILL):
        labels, _problem = attempt(
            lambda: party_labels(
                client=nexudus_client(request),
                business_id=initial.get("business_id"),
                coworker_id=initial.get("coworker_id"),
                coworker_invoice_id=initial.get("coworker_invoice_id"),
            )
        )
        if labels is not None:
            initial = {**labels.ids, **initial}
            initial.update({f"{name}_label": label for name, label in labels.labels.items()})
    return initial


# --- the balance a review showed: the save writes on top of it, or stops (see services) ----------------


def _remember_balance(request: HttpRequest, form: LedgerEntryForm, balance: Decimal) -> None:
    key, fingerprint = str(form.cleaned_data["submission_key"]), form.fingerprint()
    kept = dict(request.session.get(REVIEWED_BALANCE_SESSION_KEY, {}))
    kept.pop(key, None)
    kept[key] = [fingerprint, str(balance)]
    request.session[REVIEWED_BALANCE_SESSION_KEY] = dict(list(kept.items())[-REVIEWS_KEPT:])


def _reviewed_balance(request: HttpRequest, key: str, fingerprint: str) -> Decimal | None:
    """The balance before the entry that the review of exactly this entry showed; None without one."""
    kept = request.session.get(REVIEWED_BALANCE_SESSION_KEY, {}).get(key)
    try:
        return Decimal(kept[1]) if kept[0] == fingerprint else None
    except (TypeError, IndexError, KeyError, InvalidOperation):
        return None


# --- the parties of a review, kept for its confirm (performance: 3 upstream reads fewer per entry) -------


def _record_json(record: Any) -> dict[str, Any] | None:
    """A flat record as session JSON (Decimal and datetime tagged); None if a field is of another type."""
    data: dict[str, Any] = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if isinstance(value, Decimal):
            data[item.name] = {"decimal": str(value)}
        elif isinstance(value, datetime):
            data[item.name] = {"datetime": value.isoformat()}
        elif value is None or isinstance(value, bool | int | str):
            data[item.name] = value
        else:
            return None
    return data


def _record_from_json(record_class: type, data: dict[str, Any]) -> Any:
    values = {}
    for item in dataclasses.fields(record_class):
        value = data[item.name]
        if isinstance(value, dict):
            value = Decimal(value["decimal"]) if "decimal" in value else datetime.fromisoformat(value["datetime"])
        values[item.name] = value
    return record_class(**values)


def _remember_parties(request: HttpRequest, key: str, fingerprint: Any, parties: EntryParties) -> None:
    """Keep what the review showed (not the balance) for the confirm of this very entry."""
    records = {
        "business": _record_json(parties.business),
        "coworker": _record_json(parties.coworker),
        "invoice": _record_json(parties.invoice) if parties.invoice is not None else None,
    }
    kept = dict(request.session.get(REVIEWED_PARTIES_SESSION_KEY, {}))
    kept.pop(key, None)
    if (
        records["business"] is not None
        and records["coworker"] is not None
        and (parties.invoice is None or records["invoice"] is not None)
    ):
        kept[key] = {"fingerprint": fingerprint, "warnings": list(parties.warnings), **records}
    request.session[REVIEWED_PARTIES_SESSION_KEY] = dict(list(kept.items())[-REVIEWED_PARTIES_KEPT:])


def _reviewed_parties(request: HttpRequest, key: str, fingerprint: Any) -> EntryParties | None:
    """The parties shown by the review of exactly this entry (same one-time key, same fingerprint), with
    a balance to be read again; None when there is no such review (then everything is read again).

    Trusted because the session is ours (server-side) and the fingerprint pins the ids they were read
    for; a customer or invoice removed since would make Nexudus refuse the write itself."""
    kept = request.session.get(REVIEWED_PARTIES_SESSION_KEY, {}).get(key)
    if not isinstance(kept, dict) or kept.get("fingerprint") != fingerprint:
        return None
    try:
        return EntryParties(
            business=_record_from_json(Business, kept["business"]),
            coworker=_record_from_json(Coworker, kept["coworker"]),
            invoice=_record_from_json(Invoice, kept["invoice"]) if kept.get("invoice") is not None else None,
            balance_before=Decimal("0"),  # replaced by the current balance before use
            warnings=[str(warning) for warning in kept.get("warnings", [])],
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None


def _review(
    request: HttpRequest,
    form: LedgerEntryForm,
    parties: EntryParties,
    *,
    changed: bool = False,
    problem=None,
    moved: BalanceMoved | None = None,
    original: LedgerEntry | None = None,
) -> HttpResponse:
    """The entry in words, before anything is written; also where a failed confirm is explained. The
    balance it shows is the one the save will build on."""
    data = form.cleaned_data
    _remember_balance(request, form, parties.balance_before)
    _carry_names(form, parties)
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
    if back_dated := back_dated_warning(data.get("transaction_date"), parties.latest_entry):
        warnings.append(back_dated)
    warnings.extend(
        amount_warnings(
            debit=data["debit"],
            credit=data["credit"],
            currency_code=parties.currency_code,
            balance_before=parties.balance_before,
            invoice=parties.invoice,
            recent_entries=parties.recent_entries,
            now=timezone.now(),
        )
    )
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
        original=original,
        can_confirm=problem is None or problem.kind != "outcome_unknown",
        balance_after=parties.balance_before + form.net_change,
        moved_note=balance_moved_note(moved, parties.currency_code) if moved else "",
    )


def _carry_names(form: LedgerEntryForm, parties: EntryParties) -> None:
    """The names the review read go into its hidden fields, so "Change the details" shows them."""
    names = {
        "business_id_label": parties.business.name,
        "coworker_id_label": parties.coworker.full_name,
        "coworker_invoice_id_label": (parties.invoice.invoice_number or f"Invoice {parties.invoice.id}")
        if parties.invoice
        else "",
    }
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    for name, label in names.items():
        data[name] = label or ""
    form.data = data


def _confirm(
    request: HttpRequest, form: LedgerEntryForm, parties: EntryParties, client, *, original: LedgerEntry | None = None
) -> HttpResponse:
    key = form.cleaned_data["submission_key"]
    # The Balance sent is decided inside the ledger's lock (services), on top of the balance reviewed.
    reviewed_balance = parties.balance_before  # the one the review showed (see the view)
    draft = form.draft(expected_balance=reviewed_balance + form.net_change)
    written: list[LedgerWrite] = []
    try:
        outcome = submit_once(
            user=request.user,
            key=key,
            purpose=PURPOSE,
            send=lambda: _kept(
                written,
                ledger_entry_create(client=client, draft=draft, balance_reviewed=reviewed_balance, reverses=original),
            ),
            link=lambda result: (reverse("ledger:detail", args=[result.id]), f"Ledger entry {result.id}"),
            wait_for_pending=PENDING_WAIT_SECONDS,
        )
    except LedgerBusy:  # nothing sent, the key released: the same form can be saved again
        return _review(request, form, parties, problem=ledger_busy_problem(), original=original)
    except AlreadyReversed as already:  # nothing sent: someone reversed it first
        return _render(request, "form", form=form, already_reversed=already.reversal, original=original)
    except BalanceMoved as moved:  # nothing sent: the new figures need a second confirm
        moved_parties = dataclasses.replace(parties, balance_before=moved.current, latest_entry=moved.latest)
        return _review(request, form, moved_parties, moved=moved, original=original)
    check_url = _customer_ledger_url(draft.coworker_id, draft.business_id)
    if outcome.succeeded:
        forget_refusal(request, CREATE_ROLE)
        return _done(
            request, outcome, client, check_url, entry=written[0].entry if written else None, original=original
        )
    problem = problem_for_outcome(
        outcome,
        form,
        role=CREATE_ROLE,
        check_url=check_url,
        check_hint=f"look for it among the newest entries of {parties.coworker.full_name}'s ledger",
        pending_hint="this entry is still being saved; look at the customer's ledger in a minute",
    )
    if problem is None:  # Nexudus's field errors are on the form
        return _render(request, "form", form=form)
    if problem.kind == "permission":  # the "Record…" buttons say so from now on (accounts.permissions)
        remember_refusal(request, CREATE_ROLE)
    return _review(request, form, parties, problem=problem, original=original)


def _another_url(*, form_context) -> str:
    """ "Record another entry" for the same customer, business and invoice (a plain link starts empty)."""
    if form_context is None:
        return reverse("ledger:new")
    params = {"coworker_id": form_context.coworker_id, "business_id": form_context.business_id}
    if form_context.coworker_invoice_id:
        params["coworker_invoice_id"] = form_context.coworker_invoice_id
    return f"{reverse('ledger:new')}?{urlencode({k: v for k, v in params.items() if v})}"


def _kept(written: list[LedgerWrite], write: LedgerWrite) -> LedgerWrite:
    written.append(write)
    return write


def _done(
    request: HttpRequest, outcome: SubmissionOutcome, client, check_url: str, entry=None, original=None
) -> HttpResponse:
    """The saved entry as Nexudus now has it (read back by the write under the lock, else get-one), so the
    balance shown is the one Nexudus keeps."""
    problem = None
    if entry is None:
        entry_id = outcome.result_id or 0  # a success always names its record
        entry, problem = attempt(lambda: ledger_entry_get(client=client, entry_id=entry_id))
    balance_words = balance_state(entry.balance, entry.currency_code) if entry else ""
    return _render(
        request,
        "done",
        another_url=_another_url(form_context=entry),
        original=original,
        outcome=outcome,
        entry=entry,
        problem=problem,
        check_url=check_url,
        duplicate=outcome.status == "duplicate",
        balance_words=balance_words,
    )
