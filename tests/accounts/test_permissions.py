"""A write Nexudus refused is remembered for the session in words, forgotten when it works, and rechecked
after PERMISSION_RECHECK_SECONDS (accounts.permissions)."""

from __future__ import annotations

from types import SimpleNamespace

from dashboard.accounts import permissions
from dashboard.nexudus.roles import cannot_sentence, permission_words

ROLE = "CoworkerLedgerEntry-Create"


def _request():
    return SimpleNamespace(session={})


def test_a_refusal_is_remembered_in_words_and_forgotten_when_the_write_works():
    request = _request()
    assert permissions.unavailable_reason(request, ROLE) == ""
    permissions.remember_refusal(request, ROLE)
    reason = permissions.unavailable_reason(request, ROLE)
    assert reason == (
        "Your Nexudus account can look up ledger entries but not record them; "
        "ask a Nexudus administrator for the Ledger entry → Create permission."
    )
    assert "CoworkerLedgerEntry" not in reason
    assert permissions.unavailable_reason(request, "CoworkerInvoicePaymentToken-Create") == ""
    permissions.forget_refusal(request, ROLE)
    assert permissions.unavailable_reason(request, ROLE) == ""


def test_a_refusal_is_rechecked_after_a_while(settings, monkeypatch):
    settings.PERMISSION_RECHECK_SECONDS = 60
    request = _request()
    monkeypatch.setattr(permissions.time, "time", lambda: 1000.0)
    permissions.remember_refusal(request, ROLE)
    monkeypatch.setattr(permissions.time, "time", lambda: 1059.0)
    assert permissions.unavailable_reason(request, ROLE)
    monkeypatch.setattr(permissions.time, "time", lambda: 1061.0)
    assert permissions.unavailable_reason(request, ROLE) == ""


def test_role_words_for_unknown_roles_stay_general():
    assert permission_words("Nonsense") == "the permission for this action"
    assert permission_words("coworkerinvoicepaymenttoken-delete") == "the Invoice payment token → Delete permission"
    assert "Nonsense" not in cannot_sentence("Nonsense")
