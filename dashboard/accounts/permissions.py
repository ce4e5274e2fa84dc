"""Which writes a person may do, as far as Nexudus has told us: a refusal is remembered for the session.

Nexudus documents no way to read a user's roles, so the first refusal of an action (a create answered
with "permission denied") is kept in the session and the "Record…" buttons show why they are unavailable;
after PERMISSION_RECHECK_SECONDS it is forgotten, so a role granted since is used without signing out.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from dashboard.nexudus.roles import cannot_sentence

SESSION_KEY = "nexudus_refused_roles"  # {role: time of the refusal}
DEFAULT_RECHECK_SECONDS = 900


def _recheck_after() -> float:
    return float(getattr(settings, "PERMISSION_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def remember_refusal(request: HttpRequest, role: str) -> None:
    refused = dict(request.session.get(SESSION_KEY, {}))
    refused[role] = time.time()
    request.session[SESSION_KEY] = refused


def forget_refusal(request: HttpRequest, role: str) -> None:
    refused = dict(request.session.get(SESSION_KEY, {}))
    if refused.pop(role, None) is not None:
        request.session[SESSION_KEY] = refused


def unavailable_reason(request: HttpRequest, role: str) -> str:
    """Why the person cannot do `role`'s action, in words; '' when it is not known to be refused."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    refused_at = session.get(SESSION_KEY, {}).get(role)
    if not isinstance(refused_at, int | float) or time.time() - refused_at > _recheck_after():
        return ""
    return cannot_sentence(role)
