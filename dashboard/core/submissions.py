"""Create each record once per form, whatever the clicks: one-time submission keys.

A create form carries a hidden key made on GET (`core.forms.OneTimeKeyForm`). The POST hands the key and
the write to `submit_once()`, which claims the key atomically (unique per user) before anything is sent:

- first claim: the write is sent once. Success → the key is `done` with the result's link. Nexudus
  rejected it (validation, permission, throttling, outage: nothing was written) → the key is released,
  so the corrected form can be sent with the same key. No answer (or an unreadable one) after sending →
  `unknown`, kept, never re-sent: the person is told how to check.
- a key already `done` → the FIRST result, with no upstream call (double click, browser retry, back and
  resubmit).
- a key still `pending` → "still being saved"; `unknown` → the same "check before entering it again".
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusError,
    NexudusMalformedResponse,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.records import WriteResult

from .models import SubmissionKey

logger = logging.getLogger(__name__)

# A claim left pending this long belongs to a request that died mid-write: its outcome is unknown.
PENDING_TIMEOUT = timedelta(minutes=2)


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
) -> SubmissionOutcome:
    """Send `send()` at most once for (user, key). `link(result)` gives the new record's (url, label).

    `NexudusAuthExpired` (and any unexpected exception) releases the key and propagates.
    """
    row, owned = claim(user, key, purpose=purpose)
    if not owned:
        if row.purpose != purpose:
            # A key is only good for the form it was made for.
            return SubmissionOutcome(status="failed", error=NexudusError("This form has expired."))
        return _outcome_of_existing(row)
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
