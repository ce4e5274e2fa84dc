"""One-time submission keys: a create is sent at most once per form, whatever the clicks."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from dashboard.core.models import SubmissionKey
from dashboard.core.submissions import submit_once
from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusRateLimited,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.records import WriteResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create(username="ops")


class Sender:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def _submit(user, key, send):
    return submit_once(
        user=user,
        key=key,
        purpose="things:create",
        send=send,
        link=lambda result: (f"/things/{result.id}/", f"Thing {result.id}"),
    )


def test_second_submission_of_a_done_key_shows_the_first_result_without_sending(user):
    key, send = uuid.uuid4(), Sender(WriteResult(id=7, message="ok"))
    first = _submit(user, key, send)
    second = _submit(user, key, send)
    assert (first.status, second.status) == ("created", "duplicate")
    assert (second.result_id, second.result_url, second.result_label) == (7, "/things/7/", "Thing 7")
    assert send.calls == 1


def test_keys_are_per_user(user):
    other = get_user_model().objects.create(username="agent")
    key, send = uuid.uuid4(), Sender(WriteResult(id=1, message=""), WriteResult(id=2, message=""))
    assert _submit(user, key, send).result_id == 1
    assert _submit(other, key, send).result_id == 2


def test_a_rejected_create_releases_the_key_for_the_corrected_form(user):
    key = uuid.uuid4()
    send = Sender(NexudusValidationError("bad"), WriteResult(id=3, message=""))
    assert _submit(user, key, send).status == "failed"
    assert not SubmissionKey.objects.exists()
    assert _submit(user, key, send).status == "created"
    assert send.calls == 2


def test_throttled_create_releases_the_key(user):
    key = uuid.uuid4()
    outcome = _submit(user, key, Sender(NexudusRateLimited(retry_after=7)))
    assert outcome.status == "failed" and isinstance(outcome.error, NexudusRateLimited)
    assert not SubmissionKey.objects.filter(key=key).exists()


def test_unknown_outcome_is_kept_and_never_resent(user):
    key, send = uuid.uuid4(), Sender(NexudusWriteOutcomeUnknown())
    assert _submit(user, key, send).status == "unknown"
    assert _submit(user, key, send).status == "unknown"
    assert send.calls == 1


def test_a_pending_key_says_still_being_saved(user):
    key = uuid.uuid4()
    SubmissionKey.objects.create(user=user, key=key, purpose="things:create")
    send = Sender()
    assert _submit(user, key, send).status == "pending"
    assert send.calls == 0


def test_a_stale_pending_key_becomes_unknown(user):
    key = uuid.uuid4()
    row = SubmissionKey.objects.create(user=user, key=key, purpose="things:create")
    SubmissionKey.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(minutes=10))
    assert _submit(user, key, Sender()).status == "unknown"


def test_expired_session_releases_the_key_and_propagates(user):
    key = uuid.uuid4()
    with pytest.raises(NexudusAuthExpired):
        _submit(user, key, Sender(NexudusAuthExpired()))
    assert not SubmissionKey.objects.exists()


def test_a_key_is_only_good_for_its_own_form(user):
    key = uuid.uuid4()
    _submit(user, key, Sender(WriteResult(id=1, message="")))
    outcome = submit_once(user=user, key=key, purpose="other:create", send=Sender(), link=lambda r: ("", ""))
    assert outcome.status == "failed"
