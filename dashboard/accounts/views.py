"""Signing in with one's own Nexudus account (with the 2FA step when Nexudus asks) and signing out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from dashboard.nexudus.errors import (
    NexudusError,
    NexudusInvalidCredentials,
    NexudusRateLimited,
    NexudusSignInError,
    NexudusTwoFactorRequired,
)

from .forms import SignInForm, TwoFactorForm
from .pending import pending_begin, pending_email, pending_end, pending_resume
from .services import AccountDisabled, nexudus_signin, normalise_email, signout_tokens_delete
from .throttle import SignInThrottle

WRONG_CREDENTIALS = "That email and password don't match a Nexudus account. Check them and try again."
WRONG_CODE = "That code was not accepted. Codes change every 30 seconds: enter the one shown now."
RESTART = "Your sign-in took too long. Please enter your password again."
THROTTLED = "Too many sign-in attempts. Wait {minutes} minutes, then try again."
DISABLED = "This user is switched off in Billing Desk. Ask an administrator to switch it back on."
UNAVAILABLE = "Nexudus could not be reached just now, so you were not signed in. Please try again in a moment."
MUST_RESET = "Nexudus asks you to reset your password first. Reset it in Nexudus, then sign in here."
SEE_NEXUDUS = "Sign in to Nexudus directly to see why."
RATE_LIMITED = "Nexudus is receiving too many requests right now. Please try again in a minute."


def safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: `next` when it stays on this site, otherwise home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: `redirect()` would read "abc" or "invoices:home" as a view name (NoReverseMatch → 500).
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _page(
    request: HttpRequest,
    next_url: str,
    *,
    form: SignInForm | TwoFactorForm | None = None,
    email: str = "",
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    """The sign-in page; `error` is for a fresh (unbound) form, which cannot carry errors itself."""
    form = form or SignInForm(initial={"email": email} if email else None)
    context = {
        "form": form,
        "step": "code" if isinstance(form, TwoFactorForm) else "password",
        "email": email,
        "next": next_url,
        "error": error,
    }
    return render(request, "accounts/signin.html", context, status=status)


def _refused(
    request: HttpRequest, next_url: str, form: SignInForm | TwoFactorForm, exc: Exception, email: str = ""
) -> HttpResponse:
    """The page for a sign-in Nexudus (or we) did not complete, worded by failure kind."""
    # An upstream problem is a page that explains it (200), never a 5xx from the dashboard.
    if isinstance(exc, AccountDisabled):
        message, status = DISABLED, 403
    elif isinstance(exc, NexudusRateLimited):
        message, status = RATE_LIMITED, 200
    elif isinstance(exc, NexudusSignInError) and exc.code == "must_reset_password":
        message, status = MUST_RESET, 200
    elif isinstance(exc, NexudusSignInError):
        detail = "" if exc.message == NexudusSignInError.default_message else f" ({exc.message})"
        message, status = f"Nexudus did not accept the sign-in{detail}. {SEE_NEXUDUS}", 200
    else:
        message, status = UNAVAILABLE, 200
    form.add_error(None, message)
    return _page(request, next_url, form=form, email=email, status=status)


def _sign_in_failed(request: HttpRequest, email: str, reason: str) -> None:
    """Django's own signal for a refused sign-in (the audit trail listens). Never carries the password."""
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request, reason=reason)


def _throttled(request: HttpRequest, next_url: str, email: str) -> HttpResponse:
    _sign_in_failed(request, email, "throttled")
    message = THROTTLED.format(minutes=max(1, SignInThrottle.retry_after() // 60))
    response = _page(request, next_url, email=email, status=429, error=message)
    response["Retry-After"] = str(SignInThrottle.retry_after())
    return response


def _signed_in(request: HttpRequest, user: User, throttle: SignInThrottle, next_url: str) -> HttpResponse:
    throttle.password_accepted()
    throttle.succeeded()
    pending_end(request.session)
    # login() rotates the session key and the CSRF token, so a planted session id is worthless.
    login(request, user, backend="dashboard.accounts.backends.SignedInUserBackend")
    return redirect(next_url)


def _password_step(request: HttpRequest, next_url: str) -> HttpResponse:
    form = SignInForm(request.POST)
    if not form.is_valid():
        return _page(request, next_url, form=form)
    email, password = normalise_email(form.cleaned_data["email"]), form.cleaned_data["password"]
    throttle = SignInThrottle(request, email)
    if not throttle.attempt():
        return _throttled(request, next_url, email)
    try:
        user = nexudus_signin(email=email, password=password)
    except NexudusTwoFactorRequired:
        throttle.password_accepted()
        ciphertext = pending_begin(session=request.session, email=email, password=password)
        return _page(request, next_url, form=TwoFactorForm(initial={"pending": ciphertext}), email=email)
    except NexudusInvalidCredentials:
        _sign_in_failed(request, email, "invalid_credentials")
        form.add_error(None, WRONG_CREDENTIALS)
        return _page(request, next_url, form=form)
    except (AccountDisabled, NexudusError) as exc:
        throttle.forget_unjudged(exc)
        return _refused(request, next_url, form, exc)
    return _signed_in(request, user, throttle, next_url)


def _code_step(request: HttpRequest, next_url: str) -> HttpResponse:
    form = TwoFactorForm(request.POST)
    email = pending_email(request.session)
    if email is None:
        return _restart(request, next_url, "")
    if not form.is_valid():
        return _page(request, next_url, form=form, email=email)
    pending = pending_resume(session=request.session, ciphertext=form.cleaned_data["pending"])
    if pending is None:
        return _restart(request, next_url, email)
    throttle = SignInThrottle(request, pending.email)
    if not throttle.attempt():
        pending_end(request.session)
        return _throttled(request, next_url, pending.email)
    try:
        user = nexudus_signin(email=pending.email, password=pending.password, totp=form.cleaned_data["code"])
    except (NexudusTwoFactorRequired, NexudusInvalidCredentials):
        _sign_in_failed(request, pending.email, "wrong_code")
        form.add_error("code", WRONG_CODE)
        return _page(request, next_url, form=form, email=email)
    except (AccountDisabled, NexudusError) as exc:
        throttle.forget_unjudged(exc)
        return _refused(request, next_url, form, exc, email=email)
    return _signed_in(request, user, throttle, next_url)


def _restart(request: HttpRequest, next_url: str, email: str) -> HttpResponse:
    pending_end(request.session)
    return _page(request, next_url, email=email, error=RESTART)


@login_not_required
@never_cache
@sensitive_post_parameters("password", "pending", "code")
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(next_url)
        return _page(request, next_url)
    if request.POST.get("step") == "code":
        return _code_step(request, next_url)
    return _password_step(request, next_url)


@login_not_required  # signing out must work even when the session has just ended
@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        signout_tokens_delete(user=request.user)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
