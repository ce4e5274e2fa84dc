"""Sign-in, sign-out and failed sign-ins, recorded from Django's own authentication signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditRecord
from .services import record

SESSION = "session"


def _request_id(request: Any) -> str | None:
    return getattr(request, "request_id", None)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(
        user=user,
        action=AuditRecord.Action.SIGN_IN,
        resource=SESSION,
        outcome=AuditRecord.Outcome.SUCCESS,
        request_id=_request_id(request),
    )


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without a session: nobody to record
        return
    record(
        user=user,
        action=AuditRecord.Action.SIGN_OUT,
        resource=SESSION,
        outcome=AuditRecord.Outcome.SUCCESS,
        request_id=_request_id(request),
    )


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    """`credentials` as Django sends them (already cleansed); only the email is kept, plus `reason` when the
    sender gives one (e.g. "invalid_credentials", "throttled", "wrong_code")."""
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()[:254]
    user = get_user_model().objects.filter(username=email).first() if email else None
    reason = kwargs.get("reason") or credentials.get("reason")
    record(
        user=user,
        actor_email=email,
        action=AuditRecord.Action.SIGN_IN_FAILED,
        resource=SESSION,
        outcome=AuditRecord.Outcome.REJECTED,
        answer_summary={"reason": reason} if reason else None,
        request_id=_request_id(request),
    )
