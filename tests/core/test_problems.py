"""The one place a Nexudus failure becomes a page, a fragment or a form error, and what a create form
shows for each submission outcome."""

from __future__ import annotations

import uuid

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from dashboard.core.models import SubmissionKey
from dashboard.core.problems import attempt, form_problem, upstream_problem_page
from dashboard.core.submissions import SubmissionOutcome, problem_for_outcome, submit_once
from dashboard.nexudus.errors import (
    FieldError,
    NexudusAuthExpired,
    NexudusNotFound,
    NexudusServerError,
    NexudusValidationError,
)
from dashboard.nexudus.records import WriteResult


def _request(htmx: bool = False):
    request = RequestFactory().get("/x/", **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    request.htmx = HtmxDetails(request)
    return request


def _view_raising(error):
    @upstream_problem_page(title="Ledger entry {entry_id}", role="CoworkerLedgerEntry-Read")
    def view(request, entry_id):
        raise error

    return view


def test_an_unknown_record_on_a_full_page_is_the_404_page():
    with pytest.raises(Http404, match="No ledger entry 7"):
        _view_raising(NexudusNotFound())(_request(), entry_id=7)


def test_an_unknown_record_asked_by_htmx_is_the_problem_fragment():
    response = _view_raising(NexudusNotFound())(_request(htmx=True), entry_id=7)
    assert response.status_code == 200 and 'data-problem="not_found"' in response.content.decode()


def test_an_upstream_failure_is_the_problem_page_titled_by_the_view():
    response = _view_raising(NexudusServerError())(_request(), entry_id=7)
    html = response.content.decode()
    assert response.status_code == 200 and "Ledger entry 7" in html and 'data-problem="server"' in html


def test_an_expired_session_is_never_turned_into_a_page():
    with pytest.raises(NexudusAuthExpired):
        _view_raising(NexudusAuthExpired())(_request(), entry_id=7)
    with pytest.raises(NexudusAuthExpired):
        attempt(lambda: (_ for _ in ()).throw(NexudusAuthExpired()))


def test_a_view_that_succeeds_is_untouched():
    @upstream_problem_page(title="Thing {thing_id}")
    def view(request, thing_id):
        return HttpResponse("fine")

    assert view(_request(), thing_id=1).content == b"fine"


def test_attempt_gives_the_value_or_the_problem():
    assert attempt(lambda: 42) == (42, None)
    value, problem = attempt(lambda: (_ for _ in ()).throw(NexudusServerError()), role="X-List")
    assert value is None and problem is not None and problem.kind == "server"


class _Form(forms.Form):
    amount = forms.CharField(required=False)


def _rejected():
    return NexudusValidationError("Rejected", errors=[FieldError(field="amount", message="Too large.")])


def test_a_rejection_goes_onto_the_form_and_anything_else_is_a_problem():
    form = _Form({"amount": "9"})
    assert form.is_valid()
    assert form_problem(form, _rejected()) is None and form.errors
    problem = form_problem(_Form({}), NexudusServerError(), writing=True)
    assert problem is not None and problem.kind == "server" and not problem.can_retry


@pytest.mark.parametrize(
    ("outcome", "kind", "form_errors"),
    [
        (SubmissionOutcome(status="failed", error=NexudusServerError()), "server", False),
        (SubmissionOutcome(status="unknown"), "outcome_unknown", False),
        (SubmissionOutcome(status="pending"), "outcome_unknown", False),
    ],
)
def test_each_outcome_that_is_not_a_success_says_what_to_do(outcome, kind, form_errors):
    form = _Form({})
    form.is_valid()
    problem = problem_for_outcome(outcome, form, role="R", check_url="/check/", check_hint="look there")
    assert problem is not None and problem.kind == kind and bool(form.errors) is form_errors
    if kind == "outcome_unknown":
        assert problem.check_url == "/check/"


def test_a_rejected_outcome_and_a_pending_one_with_a_form_message_stay_on_the_form():
    form = _Form({"amount": "9"})
    form.is_valid()
    rejected = SubmissionOutcome(status="failed", error=_rejected())
    assert problem_for_outcome(rejected, form, role="R", check_url="/", check_hint="h") is None
    assert "amount" in form.errors
    form = _Form({})
    form.is_valid()
    pending = SubmissionOutcome(status="pending")
    assert problem_for_outcome(pending, form, role="R", check_url="/", check_hint="h", pending_error="Wait.") is None
    assert form.non_field_errors() == ["Wait."]


@pytest.mark.django_db
def test_a_second_click_waits_for_the_first_clicks_answer(monkeypatch):
    from dashboard.core import submissions

    user = get_user_model().objects.create(username="waits")
    key = uuid.uuid4()
    SubmissionKey.objects.create(user=user, key=key, purpose="p")  # the first click, still with Nexudus
    polls = []

    def first_click_answers(seconds):
        polls.append(seconds)
        SubmissionKey.objects.filter(key=key).update(
            state=SubmissionKey.State.DONE, result_id=9, result_url="/r/9/", result_label="Record 9"
        )

    monkeypatch.setattr(submissions.time, "sleep", first_click_answers)
    outcome = submit_once(
        user=user,
        key=key,
        purpose="p",
        send=lambda: WriteResult(id=1, message=""),
        link=lambda r: ("", ""),
        wait_for_pending=5,
    )
    assert (outcome.status, outcome.result_id, len(polls)) == ("duplicate", 9, 1)


@pytest.mark.django_db
def test_without_a_wait_a_pending_first_click_is_said_at_once(monkeypatch):
    from dashboard.core import submissions

    user = get_user_model().objects.create(username="nowait")
    key = uuid.uuid4()
    SubmissionKey.objects.create(user=user, key=key, purpose="p")
    monkeypatch.setattr(submissions.time, "sleep", lambda seconds: pytest.fail("must not wait"))
    outcome = submit_once(
        user=user, key=key, purpose="p", send=lambda: WriteResult(id=1, message=""), link=lambda r: ("", "")
    )
    assert outcome.status == "pending"
