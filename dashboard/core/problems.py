"""The one place where a Nexudus failure becomes words, and then a page, a fragment or a form error.

`NexudusAuthExpired` is never handled here: it propagates to the sign-in middleware (accounts.middleware).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from dashboard.nexudus.errors import (
    NexudusAuthExpired,
    NexudusError,
    NexudusMalformedResponse,
    NexudusNotFound,
    NexudusPermissionDenied,
    NexudusRateLimited,
    NexudusServerError,
    NexudusUnavailable,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.roles import permission_words

from .forms import apply_upstream_errors
from .htmx import wants_fragment

T = TypeVar("T")
P = ParamSpec("P")
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


@dataclass(frozen=True)
class UpstreamProblem:
    """What the person is told about a failed Nexudus call."""

    kind: str  # permission | throttled | unavailable | outcome_unknown | not_found | rejected | server | malformed
    title: str
    explanation: str
    next_step: str
    can_retry: bool  # offer a Retry button (reads only; writes are never retried for the person)
    status: int = 200  # the HTTP status our response carries
    retry_after: int | None = None  # whole seconds, when Nexudus said how long to wait
    role: str | None = None  # the Nexudus role that is missing, for permission problems
    check_url: str | None = None  # where to look whether an unknown-outcome write was saved


def _seconds(retry_after: float | None) -> int | None:
    if retry_after is None or not math.isfinite(retry_after) or retry_after < 0:
        return None
    return max(1, math.ceil(retry_after))


def describe_upstream_error(
    error: NexudusError,
    *,
    writing: bool = False,
    role: str | None = None,
    check_url: str | None = None,
    check_hint: str | None = None,
) -> UpstreamProblem:
    """Map one Nexudus failure to a problem the person can act on.

    `writing`: the failed call was a create/update (no Retry button: the form is still there to send
    again, and an unknown outcome must never be re-sent blindly). `role`: the Nexudus role the action
    needs, named when the error does not carry one (e.g. "CoworkerInvoicePaymentToken-Create").
    `check_url` / `check_hint`: for an unknown-outcome write, where and how to check whether it was saved
    (e.g. "search payment tokens for invoice 123").
    """
    if isinstance(error, NexudusAuthExpired):  # pragma: no cover - callers let it propagate
        raise error
    can_retry = not writing
    if isinstance(error, NexudusPermissionDenied):
        missing = getattr(error, "role", None) or role
        needs = permission_words(missing)  # in words: no Nexudus role names on screen
        return UpstreamProblem(
            kind="permission",
            title="You don't have permission to do this",
            explanation=f"Nexudus refused this for your account: it needs {needs} "
            "(or full unrestricted administrator access).",
            next_step=f"Ask a Nexudus administrator to give you {needs}, then sign out and in again.",
            can_retry=False,
            role=missing,
        )
    if isinstance(error, NexudusRateLimited):
        seconds = _seconds(error.retry_after)
        wait = f"Wait {seconds} second{'s' if seconds != 1 else ''}" if seconds else "Wait a few seconds"
        return UpstreamProblem(
            kind="throttled",
            title="Nexudus asked us to slow down",
            explanation="Too many requests reached Nexudus in a short time, so it paused this one. "
            + ("Nothing was saved." if writing else ""),
            next_step=f"{wait}, then " + ("send the form again." if writing else "try again."),
            can_retry=can_retry,
            retry_after=seconds,
        )
    # Outcome-unknown is a kind of "unavailable": test it first.
    if isinstance(error, NexudusWriteOutcomeUnknown):
        how = check_hint or "search for the record before entering it again"
        return UpstreamProblem(
            kind="outcome_unknown",
            title="We don't know whether this was saved",
            explanation="The request reached Nexudus but no answer came back, so the record may or may "
            "not have been saved. It was not sent again automatically.",
            next_step=f"Before entering it again, check: {how}.",
            can_retry=False,
            check_url=check_url,
        )
    if isinstance(error, NexudusUnavailable):
        return UpstreamProblem(
            kind="unavailable",
            title="Nexudus isn't answering",
            explanation="Nexudus could not be reached or did not answer in time."
            + (" Nothing was saved." if writing else ""),
            next_step="Try again in a minute. If it keeps happening, check the Nexudus status page.",
            can_retry=can_retry,
        )
    if isinstance(error, NexudusNotFound):
        return UpstreamProblem(
            kind="not_found",
            title="Nexudus has no such record",
            explanation="The record doesn't exist, or it has been deleted.",
            next_step="Check the number, or search for the record instead.",
            can_retry=False,
            status=404,
        )
    if isinstance(error, NexudusValidationError):
        return UpstreamProblem(
            kind="rejected",
            title="Nexudus didn't accept this",
            explanation="; ".join(error.non_field_errors) or error.message,
            next_step="Correct the highlighted values and try again.",
            can_retry=False,
        )
    if isinstance(error, NexudusMalformedResponse):
        return UpstreamProblem(
            kind="malformed",
            title="Nexudus sent an answer we couldn't read",
            explanation="Nexudus answered, but not in the form it documents."
            + (" We can't tell whether the record was saved." if writing else ""),
            next_step="Try again in a minute." if not writing else "Search for the record before entering it again.",
            can_retry=can_retry,
        )
    if isinstance(error, NexudusServerError):
        return UpstreamProblem(
            kind="server",
            title="Nexudus had a problem",
            explanation="Nexudus reported an internal error." + (" Nothing was saved." if writing else ""),
            next_step="Try again in a minute. If it keeps happening, tell your Nexudus administrator.",
            can_retry=can_retry,
        )
    return UpstreamProblem(
        kind="server",
        title="Nexudus couldn't complete this",
        explanation=error.message,
        next_step="Try again in a minute.",
        can_retry=can_retry,
    )


def render_upstream_problem_page(
    request: HttpRequest, problem: UpstreamProblem, *, title: str | None = None
) -> HttpResponse:
    """A full page (or, for htmx, the bare partial) explaining `problem`, with its status (200 or 404)."""
    context = {"problem": problem, "page_title": title or problem.title}
    if wants_fragment(request):
        # htmx does not swap 4xx answers, so the fragment always comes with 200.
        return render(request, "core/_upstream_problem.html", context)
    return render(request, "core/upstream_problem.html", context, status=problem.status)


def attempt(call: Callable[[], T], *, role: str | None = None) -> tuple[T | None, UpstreamProblem | None]:
    """`(call(), None)`, or `(None, the problem)` when Nexudus failed: for a part of a page (a table, a
    list of options) that shows its own problem while the rest of the page renders."""
    try:
        return call(), None
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        return None, describe_upstream_error(error, role=role)


def form_problem(
    form: forms.BaseForm, error: NexudusError, *, writing: bool = False, role: str | None = None
) -> UpstreamProblem | None:
    """A failure met while handling `form`: Nexudus's field errors go onto the form (None is returned);
    anything else is a problem to show above it."""
    if isinstance(error, NexudusAuthExpired):
        raise error
    if isinstance(error, NexudusValidationError):
        apply_upstream_errors(form, error)
        return None
    return describe_upstream_error(error, writing=writing, role=role)


def upstream_problem_page(
    *, title: str, role: str | None = None
) -> Callable[[Callable[P, ResponseT]], Callable[P, ResponseT | HttpResponse]]:
    """View decorator: a `NexudusError` escaping the view becomes the problem page (or, for htmx, the
    problem fragment); an unknown record on a full page is the 404 page. `title` is formatted with the
    view's URL keyword arguments, e.g. "Ledger entry {entry_id}"."""

    def decorate(view: Callable[P, ResponseT]) -> Callable[P, ResponseT | HttpResponse]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseT | HttpResponse:
            try:
                return view(*args, **kwargs)
            except NexudusAuthExpired:
                raise
            except NexudusError as error:
                request = args[0]
                assert isinstance(request, HttpRequest)
                heading = title.format(**kwargs)
                problem = describe_upstream_error(error, role=role)
                if problem.kind == "not_found" and not wants_fragment(request):
                    raise Http404(f"No {heading[:1].lower()}{heading[1:]}") from None
                return render_upstream_problem_page(request, problem, title=heading)

        return wrapped

    return decorate
