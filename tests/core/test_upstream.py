"""Every Nexudus failure becomes words and a next step; never a 5xx."""

from __future__ import annotations

import pytest

from dashboard.core.problems import describe_upstream_error
from dashboard.nexudus.errors import (
    NexudusError,
    NexudusMalformedResponse,
    NexudusNotFound,
    NexudusPermissionDenied,
    NexudusRateLimited,
    NexudusServerError,
    NexudusUnavailable,
    NexudusWriteOutcomeUnknown,
)


def test_permission_names_the_missing_role():
    problem = describe_upstream_error(NexudusPermissionDenied(role="CoworkerInvoicePaymentToken-Create"))
    # In words (issue 19): the permission as Nexudus's screen calls it, never the role's code name.
    assert "Invoice payment token → Create permission" in problem.explanation
    assert "CoworkerInvoicePaymentToken-Create" not in problem.explanation
    assert problem.kind == "permission" and not problem.can_retry


def test_permission_falls_back_to_the_role_the_caller_names():
    problem = describe_upstream_error(NexudusPermissionDenied(), role="CoworkerLedgerEntry-List")
    assert "Ledger entry → List permission" in problem.next_step
    assert "CoworkerLedgerEntry-List" not in problem.next_step


@pytest.mark.parametrize(
    ("retry_after", "text"), [(7, "Wait 7 seconds"), (0.2, "Wait 1 second"), (None, "Wait a few seconds")]
)
def test_throttling_says_how_long_to_wait(retry_after, text):
    problem = describe_upstream_error(NexudusRateLimited(retry_after=retry_after))
    assert text in problem.next_step
    assert problem.can_retry


@pytest.mark.parametrize(
    "error", [NexudusUnavailable(), NexudusServerError(), NexudusMalformedResponse(), NexudusError()]
)
def test_outages_say_try_again_and_offer_retry_for_reads(error):
    problem = describe_upstream_error(error)
    assert "try again" in problem.next_step.lower()
    assert problem.can_retry and problem.status == 200
    assert not describe_upstream_error(error, writing=True).can_retry


def test_unknown_outcome_says_how_to_check_and_never_offers_retry():
    problem = describe_upstream_error(
        NexudusWriteOutcomeUnknown(),
        writing=True,
        check_url="/x/?id=1",
        check_hint="search payment tokens for invoice ID 1",
    )
    assert problem.kind == "outcome_unknown"
    assert "may or may not" in problem.explanation
    assert "invoice ID 1" in problem.next_step and problem.check_url == "/x/?id=1"
    assert not problem.can_retry


def test_not_found_is_a_404():
    assert describe_upstream_error(NexudusNotFound()).status == 404
