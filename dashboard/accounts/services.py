"""Sign-in and sign-out as domain verbs: the Nexudus password grant and what the dashboard keeps of it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import transaction

from dashboard.nexudus.auth import token_password_grant
from dashboard.nexudus.records import TokenSet

from .models import NexudusAccount, new_client_id

# What Nexudus refused this person: accounts.permissions, offered to the features here (a public module).
from .permissions import forget_refusal as forget_refusal
from .permissions import remember_refusal as remember_refusal


class AccountDisabled(Exception):
    """A Billing Desk administrator switched this user off; Nexudus is not asked at all."""


def normalise_email(email: str) -> str:
    """Nexudus treats emails case-insensitively; so does our user table (username = lower-cased email)."""
    return email.strip().lower()


def nexudus_signin(*, email: str, password: str, totp: str | None = None) -> User:
    """Exchange the person's credentials for tokens and return their (created or updated) user.

    Raises the Nexudus sign-in errors unchanged (NexudusTwoFactorRequired, NexudusInvalidCredentials,
    NexudusUnavailable, ...), or AccountDisabled. No user row is created until Nexudus has accepted the
    credentials, so guessing emails cannot fill the user table.
    """
    email = normalise_email(email)
    user = get_user_model().objects.filter(username=email).select_related("nexudus_account").first()
    if user is not None and not user.is_active:
        raise AccountDisabled()
    account = getattr(user, "nexudus_account", None) if user else None
    if account is None:
        client_id = new_client_id()
        tokens = token_password_grant(
            username=email,
            password=password,
            client_id=client_id,
            totp=totp or None,
            base_url=settings.NEXUDUS_API_URL,
        )
        return signin_complete(email=email, client_id=client_id, tokens=tokens)
    # One token set per person, shared by all their sessions: a new sign-in replaces it for every session.
    # Nexudus invalidates a client_id's earlier refresh tokens when it grants a new token for it, so the
    # grant runs under the same row lock as a refresh (accounts.tokens): a refresh in flight with the old
    # refresh token finishes first (and this sign-in then supersedes it), or waits and finds the new tokens
    # stored. Either way no open session of this person is signed out by a sign-in elsewhere.
    with transaction.atomic(durable=True):
        NexudusAccount.objects.select_for_update().filter(pk=account.pk).first()
        tokens = token_password_grant(
            username=email,
            password=password,
            client_id=account.client_id,
            totp=totp or None,
            base_url=settings.NEXUDUS_API_URL,
        )
        return signin_complete(email=email, client_id=account.client_id, tokens=tokens)


@transaction.atomic
def signin_complete(*, email: str, client_id: str, tokens: TokenSet) -> User:
    """Create or update the user keyed by `email` and store `tokens` (encrypted) with `client_id`."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_unusable_password()  # passwords belong to Nexudus
        user.save(update_fields=["password"])
    elif user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    account, _ = NexudusAccount.objects.select_for_update().get_or_create(user=user, defaults={"client_id": client_id})
    account.client_id = client_id
    account.store_tokens(tokens)
    account.save()
    return user


def signout_tokens_delete(*, user: AbstractBaseUser) -> None:
    """Forget the person's Nexudus tokens (the client_id stays, so later sign-ins reuse it)."""
    NexudusAccount.objects.filter(user_id=user.pk).update(access_token="", refresh_token="", expires_at=None)
