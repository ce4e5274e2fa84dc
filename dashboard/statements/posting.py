"""Posting an import, exactly once and resumable: one ledger entry per posting, paced by the person's budget.

Every posting is marked SENDING (committed) before its write and DONE with the entry id after. A worker that
dies in between leaves SENDING behind; whoever resumes the import first looks for the posting's one-time
key in the customer's ledger entries (the key is in the description) and only sends again if Nexudus has
no such entry. A lease on the import keeps a second worker off while the first is alive.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dashboard.accounts.session import nexudus_client_for_user
from dashboard.audit.models import AuditRecord
from dashboard.audit.services import record
from dashboard.ledger.selectors import ledger_latest_entry
from dashboard.ledger.services import BalanceMoved, LedgerBusy, ledger_entry_create
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider
from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusError,
    NexudusMalformedResponse,
    NexudusRateLimited,
    NexudusServerError,
    NexudusUnavailable,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.queries import LedgerEntryDraft, PaymentTokenDraft
from dashboard.payment_tokens.services import payment_token_create

from .models import Posting, StatementImport, StatementLine
from .selectors import entry_with_key, import_progress, token_with_key

logger = logging.getLogger(__name__)

PAYMENT_CODE = "PAYM"  # the code the ledger form suggests for a payment
MAX_SENDS = 3  # sends of one posting whose outcome stayed unknown before it is left for a person to check
MAX_CHECKS = 6  # looks for a posting in Nexudus that could not be answered before it is left unknown
MAX_WAITS = 30  # nothing-processed answers (throttled, unreachable) tolerated per posting before pausing
DESCRIPTION_MAX = 255
_UNKNOWN = (NexudusWriteOutcomeUnknown, NexudusMalformedResponse, NexudusServerError)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def entry_description(line: StatementLine, posting: Posting) -> str:
    """'Bank transfer 03 Mar 2025: <reference> [BD…-1]': the key last and never cut off."""
    key = f" [{posting.key}]"
    text = f"Bank transfer {line.date:%d %b %Y}: {line.reference or line.payer or 'no reference'}"
    return text[: DESCRIPTION_MAX - len(key)] + key


# --- the lease --------------------------------------------------------------------------------------------


def _owner_is_gone(owner: str) -> bool:
    """A lease holder on this host whose process no longer exists (killed): its lease need not be waited out."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(import_id: int, owner: str) -> bool:
    """Take (or renew) the lease on an import; False while another live worker holds it."""
    now = timezone.now()
    until = now + timedelta(seconds=float(settings.STATEMENTS_LEASE_SECONDS))
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner) | Q(lease_owner="")
    if StatementImport.objects.filter(free, pk=import_id).update(lease_owner=owner, lease_until=until):
        return True
    holder = StatementImport.objects.filter(pk=import_id).values_list("lease_owner", flat=True).first()
    if holder and _owner_is_gone(holder):
        return bool(
            StatementImport.objects.filter(pk=import_id, lease_owner=holder).update(
                lease_owner=owner, lease_until=until
            )
        )
    return False


def release(import_id: int, owner: str) -> None:
    StatementImport.objects.filter(pk=import_id, lease_owner=owner).update(lease_owner="", lease_until=None)


# --- one posting ------------------------------------------------------------------------------------------


def _set(posting: Posting, **values) -> None:
    for name, value in values.items():
        setattr(posting, name, value)
    posting.save(update_fields=[*values, "updated_at"])


def _draft(line: StatementLine, posting: Posting, balance_before: Decimal) -> LedgerEntryDraft:
    when = datetime.combine(line.date, clock(12), tzinfo=UTC)  # midday UTC: the same calendar day everywhere
    return LedgerEntryDraft(
        business_id=posting.business_id,
        coworker_id=posting.coworker_id,
        description=entry_description(line, posting),
        code=PAYMENT_CODE,
        debit=Decimal("0"),
        credit=posting.amount,
        coworker_invoice_id=posting.invoice_id,
        payment_gateway=PaymentProvider.Bank,
        transaction_date=when,
        expected_balance=balance_before - posting.amount,
    )


def _send_entry(client: NexudusClient, line: StatementLine, posting: Posting) -> int | None:
    """Write the entry through the ledger's own create, the one the form uses: under the customer's ledger
    lock it reads the latest entry again and refuses (BalanceMoved or LedgerBusy, nothing sent) when another
    writer got in since the balance read here."""
    latest = ledger_latest_entry(client=client, coworker_id=posting.coworker_id, business_id=posting.business_id)
    before = latest.balance if latest is not None else Decimal("0")
    return ledger_entry_create(client=client, draft=_draft(line, posting, before), balance_reviewed=before).id


def _recover_entry(client: NexudusClient, posting: Posting) -> bool:
    """After an unknown outcome: did Nexudus keep the entry? If so, it is this posting's (the key says)."""
    entry = entry_with_key(
        client=client, coworker_id=posting.coworker_id, business_id=posting.business_id, key=posting.key
    )
    if entry is not None:
        _set(posting, state=Posting.State.DONE, entry_id=entry.id, message="")
        return True
    return False


class Paused(Exception):
    """The import cannot go on without the person (their Nexudus session ended)."""


def _post_one(client: NexudusClient, posting: Posting) -> bool:
    """Send one posting until Nexudus answers. True when settled (posted, refused or given up as unknown);
    False when its write got no answer and Nexudus does not show it yet: it stays SENDING, to be looked for
    again a while later before any resend (a slow write may still land)."""
    line = posting.line
    if posting.state == Posting.State.SENDING:
        if posting.checks and timezone.now() - posting.updated_at < timedelta(
            seconds=float(settings.STATEMENTS_RECHECK_SECONDS)
        ):
            return False  # looked for a moment ago: give a slow write time to land first
        found = _found(client, posting)
        if found:
            return True
        if found is None:  # not known either way: never resend without having looked
            return _give_up(posting) if posting.checks >= MAX_CHECKS else False
        if posting.attempts >= MAX_SENDS:
            return _give_up(posting)
        if posting.checks < 2 and posting.attempts:
            return False  # not there yet: one more look, a while later, before sending it again
    waits = 0
    while True:
        _set(posting, state=Posting.State.SENDING, attempts=posting.attempts + 1)
        try:
            entry_id = _send_entry(client, line, posting)
        except NexudusAuthExpired:
            _set(posting, state=Posting.State.WAITING, attempts=posting.attempts - 1)  # a 401: nothing processed
            raise Paused("Your Nexudus session ended: sign in again, then resume the import.") from None
        except _UNKNOWN:
            _set(posting, checks=0, message="Nexudus did not answer; looked for in Nexudus before any resend.")
            time.sleep(1.0)  # a write still in flight may land in a moment
            return bool(_found(client, posting))
        except (
            BalanceMoved,
            LedgerBusy,
        ):  # another writer held or moved this ledger: read the balance again, send again
            _set(posting, state=Posting.State.WAITING, attempts=posting.attempts - 1)
            waits += 1
            if waits > MAX_WAITS:
                raise Paused("This customer's ledger stayed busy; resume the import later.") from None
            time.sleep(0.5)
            continue
        except (NexudusRateLimited, NexudusUnavailable) as error:  # nothing was processed: wait, send again
            _set(posting, state=Posting.State.WAITING, attempts=posting.attempts - 1)
            waits += 1
            if waits > MAX_WAITS:
                raise Paused("Nexudus kept refusing or not answering; resume the import later.") from None
            time.sleep(min(getattr(error, "retry_after", None) or 2.0, 30.0))
            continue
        except NexudusError as error:
            _set(posting, state=Posting.State.FAILED, message=(error.message or type(error).__name__)[:500])
            return True
        _set(posting, state=Posting.State.DONE, entry_id=entry_id, message="")
        return True


def _found(client: NexudusClient, posting: Posting) -> bool | None:
    """Whether Nexudus has the posting's entry (recorded as posted if so); None when it could not be asked.
    Every look is counted (and stamps the posting), so looks are spaced out and bounded."""
    _set(posting, checks=posting.checks + 1)
    try:
        return _recover_entry(client, posting)
    except NexudusAuthExpired:
        raise Paused("Your Nexudus session ended: sign in again, then resume the import.") from None
    except NexudusError:
        logger.warning("Could not look for posting %s in Nexudus", posting.pk, exc_info=True)
        return None


def _give_up(posting: Posting) -> bool:
    _set(
        posting,
        state=Posting.State.UNKNOWN,
        message="Nexudus did not answer several times and does not show the entry: look for the key in the "
        "customer's ledger before recording this payment by hand.",
    )
    return True


def _post_token(client: NexudusClient, posting: Posting) -> None:
    """The optional BankTransfer payment token for the invoice paid, exactly once by the same rule."""
    if posting.token_state == Posting.State.SENDING:
        found = token_with_key(client=client, invoice_id=posting.invoice_id or 0, key=posting.key)
        if found is not None:
            _set(posting, token_state=Posting.State.DONE, token_id=found.id)
            return
    _set(posting, token_state=Posting.State.SENDING)
    draft = PaymentTokenDraft(
        coworker_invoice_id=posting.invoice_id or 0,
        provider=RegularPaymentProvider.BankTransfer,
        token=posting.key,
        notes=f"Bank transfer {posting.line.date:%d %b %Y}: {posting.line.reference[:120]} [{posting.key}]",
    )
    try:
        for waited in range(MAX_WAITS + 1):
            try:
                result = payment_token_create(client=client, draft=draft)
                break
            except NexudusRateLimited as error:  # nothing processed: wait for the budget, send again
                if waited == MAX_WAITS:
                    raise
                time.sleep(min(error.retry_after or 2.0, 30.0))
    except NexudusAuthExpired:
        _set(posting, token_state=Posting.State.WAITING)
        raise Paused("Your Nexudus session ended: sign in again, then resume the import.") from None
    except NexudusError as error:
        found = (
            token_with_key(client=client, invoice_id=posting.invoice_id or 0, key=posting.key)
            if isinstance(error, _UNKNOWN)
            else None
        )
        if found is not None:
            _set(posting, token_state=Posting.State.DONE, token_id=found.id)
        else:
            _set(
                posting,
                token_state=Posting.State.FAILED,
                message=f"Entry posted; payment token not saved: {error.message}"[:500],
            )
        return
    _set(posting, token_state=Posting.State.DONE, token_id=result.id)


def _line_state(line: StatementLine) -> str:
    states = set(line.postings.values_list("state", flat=True))
    if not states or states == {Posting.State.DONE}:
        return StatementLine.State.DONE
    if Posting.State.WAITING in states or Posting.State.SENDING in states:
        return StatementLine.State.WAITING
    if Posting.State.UNKNOWN in states:
        return StatementLine.State.UNKNOWN
    return StatementLine.State.FAILED


# --- the import -------------------------------------------------------------------------------------------


class RunResult(StrEnum):
    DONE = "done"  # every accepted line is settled
    MORE = "more"  # stopped at its time slice with lines left: run it again (the task re-queues itself)
    ELSEWHERE = "elsewhere"  # another worker holds the import
    PAUSED = "paused"  # needs the person (their Nexudus session ended) or a resume


def statement_import_run(*, import_id: int, owner: str | None = None, time_slice: float | None = None) -> RunResult:
    """Post the waiting lines of an import, for at most `time_slice` seconds (None: until it is done).
    Safe to call again at any time, from any worker: each line is posted once."""
    owner = owner or worker_id()
    if not claim(import_id, owner):
        logger.info("Import %s is being posted by another worker", import_id)
        return RunResult.ELSEWHERE
    statement_import = StatementImport.objects.select_related("user").get(pk=import_id)
    if statement_import.status not in (StatementImport.Status.QUEUED, StatementImport.Status.POSTING):
        release(import_id, owner)
        return RunResult.DONE if statement_import.status == StatementImport.Status.DONE else RunResult.PAUSED
    StatementImport.objects.filter(pk=import_id).update(status=StatementImport.Status.POSTING)
    client = nexudus_client_for_user(statement_import.user, max_wait=float(settings.STATEMENTS_BUDGET_WAIT))
    waiting = statement_import.lines.filter(decision=StatementLine.Decision.POST, state=StatementLine.State.WAITING)
    deadline = time.monotonic() + time_slice if time_slice is not None else None
    try:
        while line_ids := list(waiting.values_list("pk", flat=True)):
            settled_any = False
            for line_id in line_ids:
                if deadline is not None and time.monotonic() > deadline:
                    release(import_id, owner)
                    return RunResult.MORE
                settled = _post_line(client, line_id, import_id, owner)
                if settled is None:
                    return RunResult.ELSEWHERE  # our lease lapsed and another worker took over: it carries on
                settled_any = settled_any or settled
            if not settled_any:
                # Only writes that got no answer are left: give a slow write time to land before looking again.
                time.sleep(min(float(settings.STATEMENTS_RECHECK_SECONDS), 5.0))
    except Paused as paused:
        _pause(import_id, owner, str(paused))
        return RunResult.PAUSED
    except Exception:
        # Our bug or the database's: stop here (a line left "being sent" is checked in Nexudus on resume).
        logger.exception("Statement import %s stopped by an unexpected error", import_id)
        _pause(import_id, owner, "An unexpected error stopped the import; resume it to carry on (nothing is doubled).")
        raise
    _finish(statement_import)
    release(import_id, owner)
    return RunResult.DONE


def _post_line(client: NexudusClient, line_id: int, import_id: int, owner: str) -> bool | None:
    """Every posting of a line (then its payment tokens). True: settled; False: a write awaits its check;
    None: our lease is gone."""
    line = StatementLine.objects.get(pk=line_id)
    settled = True
    pending = line.postings.exclude(state__in=[Posting.State.DONE, Posting.State.FAILED, Posting.State.UNKNOWN])
    for posting in pending.select_related("line"):
        if not claim(import_id, owner):
            return None
        settled = _post_one(client, posting) and settled
    tokens_due = line.postings.filter(state=Posting.State.DONE).exclude(
        token_state__in=["", Posting.State.DONE, Posting.State.FAILED]
    )
    for posting in tokens_due.select_related("line"):
        _post_token(client, posting)
    if settled:
        _settle_line(line)
    return settled


def _settle_line(line: StatementLine) -> None:
    line.state = _line_state(line)
    line.message = "; ".join(m for m in line.postings.values_list("message", flat=True) if m)[:500]
    line.save(update_fields=["state", "message"])


def _pause(import_id: int, owner: str, reason: str) -> None:
    StatementImport.objects.filter(pk=import_id).update(status=StatementImport.Status.PAUSED, pause_reason=reason[:300])
    release(import_id, owner)


def _finish(statement_import: StatementImport) -> None:
    """Mark the import finished and file it as one audit record (each entry is audited by the client)."""
    with transaction.atomic():
        updated = (
            StatementImport.objects.filter(pk=statement_import.pk)
            .exclude(status=StatementImport.Status.DONE)
            .update(status=StatementImport.Status.DONE, finished_at=timezone.now())
        )
    if not updated:
        return
    progress = import_progress(statement_import=StatementImport.objects.get(pk=statement_import.pk))
    entry_ids = list(
        Posting.objects.filter(line__statement_import=statement_import, state=Posting.State.DONE).values_list(
            "entry_id", flat=True
        )
    )
    record(
        user=statement_import.user,
        action=AuditRecord.Action.CREATE,
        resource="statement_import",
        record_id=statement_import.pk,
        outcome=AuditRecord.Outcome.SUCCESS if not progress.failed else AuditRecord.Outcome.FAILED,
        request_summary={
            "file": statement_import.file_name or "pasted rows",
            "lines_to_post": progress.total,
            "lines_skipped": progress.skipped,
        },
        answer_summary={"posted": progress.done, "failed": progress.failed, "entry_ids": entry_ids},
    )


def interrupted_imports() -> list[int]:
    """Imports a worker was posting (or was about to) whose lease is gone: a restarted worker takes them."""
    now = timezone.now()
    candidates = StatementImport.objects.filter(
        status__in=[StatementImport.Status.QUEUED, StatementImport.Status.POSTING]
    )
    return [
        pk
        for pk, owner, until in candidates.values_list("pk", "lease_owner", "lease_until")
        if not owner or until is None or until < now or _owner_is_gone(owner)
    ]
