"""Audit records in words (dashboard/audit/wording.py): a token's change and deletion told with its before
and after values, attempts that did not succeed told as such, old rows without `before`, and whatever a row
holds: never an exception, always escaped once rendered."""

from __future__ import annotations

from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils.safestring import SafeData
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.audit.models import AuditRecord
from dashboard.audit.services import summarise
from dashboard.audit.wording import history_words, request_words, token_change_words

BEFORE = {"coworker_invoice_id": 300001, "provider": "Stripe", "token": "••••••••4242"}
AFTER = {**BEFORE, "provider": "GoCardless", "notes": "Card replaced"}


def row(action: str, summary, outcome: str = "success", answer=None) -> AuditRecord:
    return AuditRecord(
        action=action, resource="payment_token", request_summary=summary, outcome=outcome, answer_summary=answer or {}
    )


def test_a_change_says_each_field_from_its_before_value_to_its_after_value():
    words = history_words(row("update", {**AFTER, "before": BEFORE}))
    assert words == (
        "changed the payment provider from Stripe to GoCardless and the notes from (none) to “Card replaced”"
    )


def test_only_the_fields_that_differ_are_told():
    words = history_words(row("update", {**BEFORE, "notes": "Second card", "before": {**BEFORE, "notes": "First"}}))
    assert words == "changed the notes from “First” to “Second card”"


def test_a_cleared_field_is_none_and_a_provider_filed_as_a_number_reads_as_its_label():
    words = token_change_words({"provider": "96", "notes": "Old"}, {"provider": 2})
    assert words == "the payment provider from Bank Transfer to Stripe and the notes from “Old” to (none)"


def test_a_token_string_filed_unmasked_is_still_shown_masked():
    words = token_change_words({"token": "pm_secret_000011"}, {"token": "pm_secret_000022"})
    assert "pm_secret" not in words and "0011" in words and "0022" in words


def test_a_change_far_into_long_notes_is_still_a_change_once_filed():
    notes = "x" * 1500
    filed = summarise({**BEFORE, "notes": notes + " and then the change", "before": {**BEFORE, "notes": notes}})
    words = history_words(row("update", filed))
    assert words.startswith("changed the notes from “x") and words.endswith(" and then the change”")


def test_an_old_change_without_before_says_what_the_token_became():
    assert history_words(row("update", AFTER)) == (
        "changed the token (to payment provider GoCardless, notes “Card replaced”)"
    )


def test_a_deletion_says_what_was_deleted():
    summary = {"arguments": [], "before": {**BEFORE, "notes": "Wrong invoice"}}
    assert history_words(row("delete", summary)) == (
        "deleted the token (it was Stripe ••••••••4242 for invoice ID 300001, notes “Wrong invoice”)"
    )
    assert history_words(row("delete", {"arguments": []})) == "deleted the token"  # filed before `before` was


def test_a_creation_says_what_was_created():
    assert (
        history_words(row("create", BEFORE, answer={"id": 5}))
        == "created it (Stripe ••••••••4242 for invoice ID 300001)"
    )
    assert history_words(row("create", {})) == "created it"


def test_attempts_that_did_not_succeed_are_told_as_attempts_with_the_reason():
    summary = {**AFTER, "before": BEFORE}
    change = "the payment provider from Stripe to GoCardless and the notes from (none) to “Card replaced”"
    refused = row("update", summary, "rejected", {"errors": [{"property": "Notes", "message": "Too long"}]})
    assert history_words(refused) == f"tried to change {change}; Nexudus refused: Notes: Too long"
    unknown = row("update", summary, "unknown", {"error": "NexudusWriteOutcomeUnknown"})
    assert (
        history_words(unknown) == f"tried to change {change}; outcome unknown: Nexudus did not say whether it was saved"
    )
    failed = row("delete", {"before": BEFORE}, "failed", {"error": "NexudusPermissionDenied", "message": "No access"})
    assert history_words(failed) == (
        "tried to delete the token (it was Stripe ••••••••4242 for invoice ID 300001); it did not go through: No access"
    )
    assert not history_words(refused).startswith("changed")


def test_other_records_are_told_without_token_wording():
    entry = AuditRecord(action="create", resource="ledger_entry", request_summary={"debit": "5"}, outcome="success")
    assert history_words(entry) == "created it"
    entry.outcome = "rejected"
    entry.answer_summary = {"message": "Balance is wrong"}
    assert history_words(entry) == "tried to create it; Nexudus refused: Balance is wrong"


def test_the_audit_lists_request_column_tells_a_token_change_or_deletion_the_same_way():
    change = row("update", {**AFTER, "before": BEFORE}, "rejected")
    assert request_words(change) == (
        "Change the payment provider from Stripe to GoCardless and the notes from (none) to “Card replaced”"
    )
    assert request_words(row("delete", {"before": BEFORE})) == (
        "Delete the token (it was Stripe ••••••••4242 for invoice ID 300001)"
    )
    # A creation keeps the field list it always had.
    assert request_words(row("create", BEFORE)) == "invoice id 300001, provider Stripe, token ••••••••4242"


# --- whatever a row holds ----------------------------------------------------------------------------------

HOSTILE = st.sampled_from(['<img src=x onerror="alert(1)">', "<script>x</script>", "&amp;", "\"'", "a\nb"])
TEXT = st.one_of(st.none(), st.text(max_size=40), HOSTILE, st.tuples(st.text(max_size=10), HOSTILE).map("".join))
FIELD = st.sampled_from(["provider", "notes", "token", "coworker_invoice_id", "arguments"]) | st.text(max_size=12)
FACTS = st.dictionaries(FIELD, TEXT, max_size=6)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | HOSTILE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ACTION = st.sampled_from([a.value for a in AuditRecord.Action]) | st.text(max_size=8)
OUTCOME = st.sampled_from([o.value for o in AuditRecord.Outcome]) | st.text(max_size=8)
RESOURCE = st.sampled_from(["payment_token", "ledger_entry", "session", ""])

#: Every element the history template itself writes; anything else came from a row, unescaped.
HISTORY_TAGS = {"section", "h2", "ol", "li", "time", "span", "details", "summary", "p", "small", "a"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.seen.add(tag)


def _rendered_tags(html: str) -> set[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.seen


@settings(max_examples=300, deadline=None)
@given(
    before=FACTS,
    after=FACTS,
    action=ACTION,
    outcome=OUTCOME,
    resource=RESOURCE,
    answer=st.dictionaries(st.sampled_from(["message", "errors", "id", "reason"]), JSONISH, max_size=3),
    email=TEXT,
)
def test_any_before_and_after_are_told_in_plain_text_and_escaped_when_rendered(
    before, after, action, outcome, resource, answer, email
):
    record = AuditRecord(
        action=action,
        resource=resource,
        request_summary={**after, "before": before},
        outcome=outcome,
        answer_summary=answer,
        actor_email=email or "",
    )
    words = history_words(record)
    asked = request_words(record)
    assert isinstance(words, str) and not isinstance(words, SafeData)
    assert isinstance(asked, str) and not isinstance(asked, SafeData)
    html = render_to_string("audit/_history.html", {"records": [{"record": record, "words": words}], "everyone": True})
    assert _rendered_tags(html) <= HISTORY_TAGS
    assert "<img" not in html and "<script" not in html


@settings(max_examples=200, deadline=None)
@given(summary=JSONISH, answer=JSONISH, action=ACTION, outcome=OUTCOME, resource=RESOURCE)
def test_any_stored_summary_shape_is_told_without_an_exception(summary, answer, action, outcome, resource):
    record = AuditRecord(
        action=action, resource=resource, request_summary=summary, outcome=outcome, answer_summary=answer
    )
    assert isinstance(history_words(record), str)
    assert isinstance(request_words(record), str)
