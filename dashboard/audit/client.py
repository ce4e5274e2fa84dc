"""`AuditedClient`: the Nexudus client, with every create/update/delete recorded in the audit trail.

Reads pass straight through. A write is recorded once, after Nexudus answered (or did not), with what was
asked (secrets masked) and what came back; the exception, if any, is re-raised unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from dashboard.nexudus.errors import (
    NexudusError,
    NexudusMalformedResponse,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.records import WriteResult

from .models import AuditRecord
from .services import answer_of_error, answer_of_success, record

_WRITE_VERBS = ("create", "update", "delete")


def outcome_of(error: BaseException) -> str:
    """How a failed write is filed. An unreadable answer may follow a saved write, so like a missing
    answer its outcome is unknown (the same rule as core.submissions)."""
    if isinstance(error, NexudusValidationError):
        return AuditRecord.Outcome.REJECTED
    if isinstance(error, (NexudusWriteOutcomeUnknown, NexudusMalformedResponse)):
        return AuditRecord.Outcome.UNKNOWN
    return AuditRecord.Outcome.FAILED


class AuditedClient:
    """Proxies a `NexudusClient` for `user`; `create_<resource>`, `update_<resource>` and
    `delete_<resource>` calls are audited (resource e.g. "payment_token", "ledger_entry")."""

    def __init__(self, client: Any, user: Any, request_id: str | None = None) -> None:
        self.wrapped = client
        self.user = user
        self.request_id = request_id

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.wrapped, name)
        verb, _, resource = name.partition("_")
        if verb in _WRITE_VERBS and resource and callable(attribute):
            return self._audited(verb, resource, attribute)
        return attribute

    def _audited(self, verb: str, resource: str, method: Callable[..., WriteResult]) -> Callable[..., WriteResult]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> WriteResult:
            # update_x(id, draft) / delete_x(id): the id comes first; create_x(draft) has none yet.
            record_id = args[0] if verb != "create" and args and isinstance(args[0], int) else None
            asked = list(args[1:] if record_id is not None else args) + list(kwargs.values())
            summary = asked[0] if len(asked) == 1 else {"arguments": asked}
            try:
                result = method(*args, **kwargs)
            except NexudusError as error:
                self._record(verb, resource, record_id, summary, outcome_of(error), answer_of_error(error))
                raise
            except Exception as error:  # our bug or the transport's: nothing says whether it was saved
                self._record(verb, resource, record_id, summary, AuditRecord.Outcome.UNKNOWN, answer_of_error(error))
                raise
            new_id = result.id if isinstance(result, WriteResult) else None
            self._record(
                verb,
                resource,
                new_id if new_id is not None else record_id,
                summary,
                AuditRecord.Outcome.SUCCESS,
                answer_of_success(result) if isinstance(result, WriteResult) else {},
            )
            return result

        return call

    def _record(
        self, verb: str, resource: str, record_id: int | None, summary: Any, outcome: str, answer: dict
    ) -> None:
        record(
            user=self.user,
            action=verb,
            resource=resource,
            record_id=record_id,
            request_summary=summary,
            outcome=outcome,
            answer_summary=answer,
            request_id=self.request_id,
        )
