"""Create each record once per form, whatever the clicks: one-time submission keys (`submit_once`), and
what a form page shows for an outcome that is not a success (`problem_for_outcome`)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusError,
    NexudusMalformedResponse,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.records import WriteResult

from .forms import apply_upstream_errors
from .models import SubmissionKey
from .problems import UpstreamProblem, describe_upstream_error

logger = logging.getLogger(__name__)

# A claim left pending this long belongs to a request that died mid-write: its outcome is unknown.
PENDING_TIMEOUT = timedelta(minutes=2)
PENDING_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class SubmissionOutcome:
    """What happened to one POST of a create form."""

    status: str  # created | duplicate | pending | unknown | failed
    result_id: int | None = None
    result_url: str = ""
    result_label: str = ""
    error: NexudusError | None = None  # for `failed` (nothing written) and a fresh `unknown`
    message: str = ""  # Nexudus's success message, for `created`

    @property
    def succeeded(self) -> bool:
        """The record exists (created now, or by an earlier submission of the same form)."""
        return self.status in {"created", "duplicate"}


def claim(user: Any, key: uuid.UUID, *, purpose: str) -> tuple[SubmissionKey, bool]:
    """Claim `key` for `user`: (row, True) when this request owns it now, (existing row, False) otherwise."""
    try:
        with transaction.atomic():
            return SubmissionKey.objects.create(user=user, key=key, purpose=purpose), True
    except IntegrityError:
        return SubmissionKey.objects.get(user=user, key=key), False


def _outcome_of_existing(row: SubmissionKey) -> SubmissionOutcome:
    if row.state == SubmissionKey.State.PENDING and timezone.now() - row.created_at > PENDING_TIMEOUT:
        SubmissionKey.objects.filter(pk=row.pk, state=SubmissionKey.State.PENDING).update(
            state=SubmissionKey.State.UNKNOWN
        )
        row.state = SubmissionKey.State.UNKNOWN
    status = {
        SubmissionKey.State.DONE: "duplicate",
        SubmissionKey.State.PENDING: "pending",
        SubmissionKey.State.UNKNOWN: "unknown",
    }[SubmissionKey.State(row.state)]
    return SubmissionOutcome(
        status=status, result_id=row.result_id, result_url=row.result_url, result_label=row.result_label
    )


def submit_once(
    *,
    user: Any,
    key: uuid.UUID,
    purpose: str,
    send: Callable[[], WriteResult],
    link: Callable[[WriteResult], tuple[str, str]],
    wait_for_pending: float = 0.0,
) -> SubmissionOutcome:
    """Send `send()` at most once for (user, key). `link(result)` gives the new record's (url, label).
    A second click while the first is still with Nexudus waits up to `wait_for_pending` seconds for the
    first click's answer, and then shows it.

    `NexudusAuthExpired` (and any unexpected exception) releases the key and propagates.
    """
    row, owned = claim(user, key, purpose=purpose)
    if not owned:
        if row.purpose != purpose:
            # A key is only good for the form it was made for.
            return SubmissionOutcome(status="failed", error=NexudusError("This form has expired."))
        return _await_first_answer(user, key, purpose, _outcome_of_existing(row), wait_for_pending)
    try:
        result = send()
    except (NexudusWriteOutcomeUnknown, NexudusMalformedResponse) as error:
        # An unreadable answer may follow a successful write: as unsafe to repeat as no answer at all.
        SubmissionKey.objects.filter(pk=row.pk).update(state=SubmissionKey.State.UNKNOWN)
        logger.warning("Create outcome unknown: purpose=%s key=%s user=%s", purpose, key, user.pk)
        return SubmissionOutcome(status="unknown", error=error)
    except NexudusError as error:
        row.delete()
        if isinstance(error, NexudusAuthExpired):
            raise
        return SubmissionOutcome(status="failed", error=error)
    except BaseException:
        row.delete()
        raise
    url, label = link(result)
    SubmissionKey.objects.filter(pk=row.pk).update(
        state=SubmissionKey.State.DONE, result_id=result.id, result_url=url[:500], result_label=label[:200]
    )
    return SubmissionOutcome(
        status="created", result_id=result.id, result_url=url, result_label=label, message=result.message
    )


def _await_first_answer(
    user: Any, key: uuid.UUID, purpose: str, outcome: SubmissionOutcome, seconds: float
) -> SubmissionOutcome:
    deadline = time.monotonic() + seconds
    while outcome.status == "pending" and time.monotonic() < deadline:
        time.sleep(PENDING_POLL_SECONDS)
        row = SubmissionKey.objects.filter(user=user, key=key, purpose=purpose).first()
        if row is None:  # the first attempt failed and released the key: nothing was written
            return SubmissionOutcome(
                status="failed",
                error=NexudusError(
                    "The first attempt to save this entry failed; nothing was written. Confirm again to retry."
                ),
            )
        if row.state != SubmissionKey.State.PENDING:
            return _outcome_of_existing(row)
    return outcome


def problem_for_outcome(
    outcome: SubmissionOutcome,
    form: forms.BaseForm,
    *,
    role: str,
    check_url: str,
    check_hint: str,
    pending_hint: str | None = None,
    pending_error: str | None = None,
) -> UpstreamProblem | None:
    """What the form page shows for an outcome that is not a success: Nexudus's field errors on the form
    (None returned), or the problem to explain. A write still pending is either `pending_error` on the
    form, or a "still being saved" problem pointing at `check_url` with `pending_hint`."""
    if outcome.status == "failed" and isinstance(outcome.error, NexudusValidationError):
        apply_upstream_errors(form, outcome.error)
        return None
    if outcome.status == "failed":
        return describe_upstream_error(outcome.error or NexudusError(), writing=True, role=role)
    if outcome.status == "unknown":
        return describe_upstream_error(
            NexudusWriteOutcomeUnknown(), writing=True, check_url=check_url, check_hint=check_hint
        )
    if pending_error is not None:
        form.add_error(None, pending_error)
        return None
    return describe_upstream_error(
        NexudusWriteOutcomeUnknown("Still being saved."),
        writing=True,
        check_url=check_url,
        check_hint=pending_hint or check_hint,
    )
