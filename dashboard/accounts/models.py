"""The one thing the dashboard keeps about a person's Nexudus session: their tokens, encrypted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from dashboard.nexudus.records import TokenSet

from . import crypto


def new_client_id() -> str:
    """Our own client_id per person: a refresh here never invalidates their tokens in other Nexudus tools."""
    return f"{settings.NEXUDUS_CLIENT_ID_PREFIX}-{uuid.uuid4()}"


class NexudusAccount(models.Model):
    """A Django user's link to Nexudus. The token columns hold Fernet ciphertext, never plaintext: read
    and write them only through `token_set()` / `store_tokens()` / `clear_tokens()`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nexudus_account")
    client_id = models.CharField(max_length=100, unique=True, default=new_client_id, editable=False)
    access_token = models.TextField(blank=True, default="", editable=False)
    refresh_token = models.TextField(blank=True, default="", editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Nexudus account"

    def __str__(self) -> str:
        return f"Nexudus account of {self.user}"

    def save(self, *args, **kwargs) -> None:
        # The last line of defence for "no token in plain text in the database".
        for value in (self.access_token, self.refresh_token):
            if value and not crypto.is_ciphertext(value):
                raise ValueError("Nexudus tokens must be stored encrypted (use store_tokens()).")
        super().save(*args, **kwargs)

    @property
    def has_tokens(self) -> bool:
        return bool(self.access_token and self.refresh_token)

    def token_set(self) -> TokenSet | None:
        """The decrypted tokens, or None when there are none or no configured key can decrypt them
        (a removed key means the person simply signs in again)."""
        if not self.has_tokens or self.expires_at is None:
            return None
        try:
            return TokenSet(
                access_token=crypto.decrypt(self.access_token),
                refresh_token=crypto.decrypt(self.refresh_token),
                expires_at=self.expires_at,
            )
        except crypto.InvalidToken:
            return None

    def store_tokens(self, tokens: TokenSet) -> None:
        """Encrypt `tokens` into this row (the caller saves)."""
        self.access_token = crypto.encrypt(tokens.access_token)
        self.refresh_token = crypto.encrypt(tokens.refresh_token)
        self.expires_at = tokens.expires_at

    def clear_tokens(self) -> None:
        self.access_token = ""
        self.refresh_token = ""
        self.expires_at = None
