"""The audit trail: writes through AuditedClient (success, rejected, failed, unknown) against the sandbox,
sign-in and sign-out, append-only rows, who sees what on /audit/, and a record's dashboard history."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_login_failed
from django.template import Context, Template
from django.test import RequestFactory

from dashboard.accounts.tokens import StoredTokenProvider
from dashboard.audit.client import AuditedClient
from dashboard.audit.models import AuditRecord, AuditTrailIsAppendOnly
from dashboard.audit.services import record, summarise
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.enums import RegularPaymentProvider
from dashboard.nexudus.errors import NexudusPermissionDenied, NexudusValidationError, NexudusWriteOutcomeUnknown
from dashboard.nexudus.queries import PaymentTokenDraft

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
SECRET = "pm_1SecretTokenValue9876"


def user(email: str):
    return get_user_model().objects.get(username=email)


def audited(email: str, upstream, request_id: str = "req-test-1") -> AuditedClient:
    person = user(email)
    client = NexudusClient(tokens=StoredTokenProvider(person), base_url=upstream.url, request_id=request_id)
    return AuditedClient(client, person, request_id)


def an_invoice_id(upstream) -> int:
    return upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 1}).json()["Records"][0]["Id"]


def make_admin(email: str) -> None:
    user(email).user_permissions.add(Permission.objects.get(codename="view_all", content_type__app_label="audit"))


def test_a_successful_create_records_the_new_id_and_never_the_token(ops_client, upstream):
    client = audited("ops@sandbox.test", upstream)
    draft = PaymentTokenDraft(
        coworker_invoice_id=an_invoice_id(upstream),
        provider=RegularPaymentProvider.Stripe,
        token=SECRET,
        notes="Paid by phone",
    )
    result = client.create_payment_token(draft)
    row = AuditRecord.objects.get(action="create")
    assert (row.actor, row.actor_email, row.resource, row.record_id, row.outcome, row.request_id) == (
        user("ops@sandbox.test"),
        "ops@sandbox.test",
        "payment_token",
        result.id,
        "success",
        "req-test-1",
    )
    assert row.answer_summary["id"] == result.id
    assert row.request_summary["token"].endswith("9876") and row.request_summary["provider"] == "Stripe"
    assert SECRET not in str(row.request_summary) + str(row.answer_summary)


def test_a_rejected_create_records_the_errors_and_re_raises(ops_client, upstream):
    client = audited("ops@sandbox.test", upstream)
    with pytest.raises(NexudusValidationError):
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=999_999, token=SECRET))
    row = AuditRecord.objects.get(action="create")
    assert row.outcome == "rejected" and row.record_id is None
    assert any("does not exist" in e["message"] for e in row.answer_summary["errors"])
    assert SECRET not in str(row.answer_summary) + str(row.request_summary)


def test_a_refused_create_is_recorded_as_failed(agent_client, upstream):
    client = audited("agent@sandbox.test", upstream)
    with pytest.raises(NexudusPermissionDenied):
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=an_invoice_id(upstream)))
    row = AuditRecord.objects.get(action="create")
    assert (row.outcome, row.answer_summary["error"]) == ("failed", "NexudusPermissionDenied")


def test_a_write_without_an_answer_is_recorded_as_unknown(ops_client, upstream):
    client = audited("ops@sandbox.test", upstream)
    upstream.fault("drop", method="POST", path=TOKENS_API)
    with pytest.raises(NexudusWriteOutcomeUnknown):
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=an_invoice_id(upstream)))
    assert AuditRecord.objects.get(action="create").outcome == "unknown"


def test_update_and_delete_are_recorded_with_the_record_id(ops_client, upstream):
    admin = upstream.api("POST", TOKENS_API, json={"CoworkerInvoiceId": an_invoice_id(upstream), "Token": "x"})
    token_id = admin.json()["Value"]["Id"]
    client = audited("ops@sandbox.test", upstream)  # ops has no Edit/Delete role: refused, still recorded
    with pytest.raises(NexudusPermissionDenied):
        client.update_payment_token(token_id, PaymentTokenDraft(coworker_invoice_id=an_invoice_id(upstream)))
    with pytest.raises(NexudusPermissionDenied):
        client.delete_payment_token(token_id)
    writes = AuditRecord.objects.exclude(action="sign_in").order_by("id")
    assert list(writes.values_list("action", "record_id", "outcome")) == [
        ("update", token_id, "failed"),
        ("delete", token_id, "failed"),
    ]


def test_reads_pass_through_unrecorded(ops_client, upstream):
    client = audited("ops@sandbox.test", upstream)
    assert client.get_invoice(an_invoice_id(upstream)).id
    assert not AuditRecord.objects.exclude(action__in=["sign_in"]).exists()


def test_sign_in_and_sign_out_are_recorded(ops_client, upstream):
    assert AuditRecord.objects.filter(action="sign_in", actor=user("ops@sandbox.test"), outcome="success").exists()
    ops_client.post("/signout/")
    assert AuditRecord.objects.filter(action="sign_out", actor=user("ops@sandbox.test")).exists()


def test_a_failed_sign_in_signal_is_recorded_without_the_password(db):
    request = RequestFactory().post("/signin/")
    user_login_failed.send(
        sender=__name__,
        credentials={"username": "Someone@Example.com", "password": "********"},
        request=request,
        reason="invalid_credentials",
    )
    row = AuditRecord.objects.get(action="sign_in_failed")
    assert (row.actor, row.actor_email, row.outcome) == (None, "someone@example.com", "rejected")
    assert row.answer_summary == {"reason": "invalid_credentials"} and "password" not in str(row.request_summary)


def test_records_are_append_only(ops_client):
    row = AuditRecord.objects.get(action="sign_in")
    row.outcome = "failed"
    with pytest.raises(AuditTrailIsAppendOnly):
        row.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        row.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditRecord.objects.filter(pk=row.pk).update(outcome="failed")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditRecord.objects.all().delete()
    row.refresh_from_db()
    assert row.outcome == "success"


def test_summaries_never_keep_secrets():
    summary = summarise(
        {
            "token": SECRET,
            "password": "hunter2",
            "access_token": "abc",
            "notes": "ok",
            "coworker_invoice_id": 5,
            "nested": {"Token": SECRET},
        }
    )
    assert summary == {
        "token": "••••••••9876",
        "notes": "ok",
        "coworker_invoice_id": 5,
        "nested": {"Token": "••••••••9876"},
    }


def _record_for(email: str, record_id: int) -> AuditRecord:
    return record(
        user=user(email),
        action="create",
        resource="payment_token",
        record_id=record_id,
        outcome="success",
        answer_summary={"id": record_id},
    )


def test_staff_see_only_their_own_records(agent_client, ops_client):
    _record_for("ops@sandbox.test", 700_001)
    _record_for("agent@sandbox.test", 700_002)
    page = agent_client.get("/audit/").content.decode()
    assert "700002" in page and "700001" not in page
    assert 'name="person"' not in page  # nobody else to filter by


def test_dashboard_administrators_see_everyone_and_filter_by_person_and_record(agent_client, ops_client):
    _record_for("ops@sandbox.test", 700_001)
    _record_for("agent@sandbox.test", 700_002)
    make_admin("ops@sandbox.test")
    page = ops_client.get("/audit/").content.decode()
    assert "700001" in page and "700002" in page
    only_agent = ops_client.get("/audit/", {"person": "agent@", "action": "create"}).content.decode()
    assert "700002" in only_agent and "700001" not in only_agent
    by_record = ops_client.get("/audit/", {"resource": "payment_token", "record_id": "700001"}).content.decode()
    assert "700001" in by_record and "700002" not in by_record


def test_filtering_swaps_only_the_results_for_htmx(ops_client):
    response = ops_client.get("/audit/", {"action": "sign_in", "per_page": "100000"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="results"')
    assert response["HX-Push-Url"] == "/audit/?action=sign_in&per_page=100"


def test_invalid_filters_are_explained(ops_client):
    page = ops_client.get("/audit/", {"record_id": "-5", "date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "Check the filters" in page.content.decode()


def test_a_detail_page_shows_the_dashboard_history_of_its_record(ops_client, agent_client):
    _record_for("ops@sandbox.test", 700_001)
    _record_for("agent@sandbox.test", 700_001)
    _record_for("ops@sandbox.test", 700_999)
    template = Template('{% load audit %}{% dashboard_history "payment_token" 700001 %}')
    request = RequestFactory().get("/payment-tokens/700001/")
    request.user = user("ops@sandbox.test")
    html = template.render(Context({"request": request}))
    assert "Dashboard history" in html and html.count("created it") == 1  # own records only
    assert "agent@sandbox.test" not in html
    make_admin("ops@sandbox.test")
    request.user = user("ops@sandbox.test")  # fresh permission cache
    html = template.render(Context({"request": request}))
    assert html.count("created it") == 2 and "agent@sandbox.test</span> created it" in html


def test_the_audit_admin_command_grants_and_revokes_seeing_everyone(ops_client):
    from django.core.management import call_command

    from dashboard.audit.models import can_view_all

    call_command("audit_admin", "grant", "OPS@sandbox.test")
    assert can_view_all(user("ops@sandbox.test"))
    call_command("audit_admin", "revoke", "ops@sandbox.test")
    assert not can_view_all(user("ops@sandbox.test"))


def test_a_write_is_never_reported_failed_because_its_audit_row_could_not_be_stored(ops_client, monkeypatch):
    from django.db import DatabaseError

    from dashboard.nexudus.records import WriteResult

    class Saves:
        def create_payment_token(self, draft):
            return WriteResult(id=42, message="Created")

    def broken_create(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditRecord.objects, "create", broken_create)
    client = AuditedClient(Saves(), user("ops@sandbox.test"))
    assert client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=1)).id == 42


def test_a_noted_client_files_the_note_beside_the_request_and_the_original_stays_unnoted(ops_client):
    from dashboard.audit.client import noted
    from dashboard.nexudus.records import WriteResult

    class Saves:
        def update_payment_token(self, token_id, draft):
            return WriteResult(id=token_id, message="Updated")

    client = AuditedClient(Saves(), user("ops@sandbox.test"))
    before = {"notes": "old", "token": "pm_raw_secret_1234", "provider": None}
    noted(client, before=before).update_payment_token(7, PaymentTokenDraft(coworker_invoice_id=1, notes="new"))
    client.update_payment_token(7, PaymentTokenDraft(coworker_invoice_id=1, notes="again"))
    first, second = AuditRecord.objects.filter(action="update").order_by("id")
    assert first.request_summary == {
        "coworker_invoice_id": 1,
        "notes": "new",
        "before": {"notes": "old", "token": "••••••••1234"},  # a raw token string is masked when filed
    }
    assert second.request_summary == {"coworker_invoice_id": 1, "notes": "again"}
    plain = Saves()
    assert noted(plain, before=before) is plain  # a client that is not audited is left as it is


def test_the_audited_client_answers_for_every_public_method_of_the_client():
    """AuditedClient holds no client state: a method it did not override would run on an empty client."""
    import inspect

    from dashboard.nexudus.client import NexudusClient

    public = {name for name, _ in inspect.getmembers(NexudusClient, inspect.isfunction) if not name.startswith("_")}
    assert public and all(name in AuditedClient.__dict__ for name in public), public - set(AuditedClient.__dict__)


def test_an_export_request_is_in_words_not_a_raw_dict():
    from dashboard.audit.models import AuditRecord
    from dashboard.audit.tables import request_words

    record = AuditRecord(
        action=AuditRecord.Action.EXPORT,
        resource="ledger_entry",
        request_summary={
            "filters": {"business_name": "Canal Works", "code": "PAYM", "page": 1, "size": 1000},
            "max_rows": 20000,
        },
    )
    assert request_words(record) == "Exported ledger entries: business Canal Works, code PAYM"
    record.request_summary = {"filters": {}, "max_rows": 20000}
    assert request_words(record) == "Exported all ledger entries"
    record = AuditRecord(
        action=AuditRecord.Action.CREATE,
        resource="payment_token",
        request_summary={"coworker_invoice_id": 301963, "provider": "Stripe", "token": "••••9876"},
    )
    assert request_words(record) == "invoice id 301963, provider Stripe, token ••••9876"
    assert "{" not in request_words(record)
