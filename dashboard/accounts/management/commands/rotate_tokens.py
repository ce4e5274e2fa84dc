"""`manage.py rotate_tokens`: re-encrypt every stored Nexudus token under the newest FERNET_KEYS key.

Rotation: put the new key first in FERNET_KEYS (keep the old ones after it), deploy, run this command,
then remove the old keys. Tokens no key can decrypt are cleared: those people simply sign in again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from dashboard.accounts import crypto
from dashboard.accounts.models import NexudusAccount

_TOKEN_FIELDS = ("access_token", "refresh_token")


class Command(BaseCommand):
    help = "Re-encrypt stored Nexudus tokens with the first key of FERNET_KEYS (MultiFernet.rotate)."

    def handle(self, *args, **options) -> None:
        rotated = cleared = 0
        ids = list(NexudusAccount.objects.exclude(access_token="").values_list("pk", flat=True))
        for pk in ids:
            # One short transaction per row: a token refresh of that person waits at most for this row.
            with transaction.atomic():
                account = NexudusAccount.objects.select_for_update().filter(pk=pk).first()
                if account is None or not account.has_tokens:
                    continue
                try:
                    for field in _TOKEN_FIELDS:
                        setattr(account, field, crypto.rotate(getattr(account, field)))
                except crypto.InvalidToken:
                    account.clear_tokens()
                    cleared += 1
                else:
                    rotated += 1
                account.save(update_fields=[*_TOKEN_FIELDS, "expires_at"])
        self.stdout.write(f"Rotated {rotated} token pair(s); cleared {cleared} that no key could decrypt.")
