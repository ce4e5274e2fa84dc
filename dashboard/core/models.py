"""The dashboard's own records: one-time submission keys that make create forms idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmissionKey(models.Model):
    """One create-form submission, claimed once per (user, key). See `dashboard.core.submissions`."""

    class State(models.TextChoices):
        PENDING = "pending", "Being saved"
        DONE = "done", "Saved"
        UNKNOWN = "unknown", "Outcome unknown"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    purpose = models.CharField(max_length=60)  # e.g. "payment_tokens:create"
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    result_id = models.BigIntegerField(null=True, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    result_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_submissionkey_unique_per_user"),
        ]
        indexes = [models.Index(fields=["created_at"], name="core_submkey_created_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key} ({self.state})"


class TablePreference(models.Model):
    """How one person likes one table: the columns they show (in order) and their page size.

    Applied by the shared search machinery (`dashboard.core.preferences`); `table` is the table class's
    `preference_key` ("payment_tokens", "ledger_entries", ...). Empty `columns` means the table's own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_preferences")
    table = models.CharField(max_length=60)
    columns = models.JSONField(default=list, blank=True)  # visible column names, in table order
    per_page = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "table"], name="core_tablepreference_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.table} preferences of user {self.user_id}"


class SavedView(models.Model):
    """A named set of filters (and sort/page size) of one table, reopened from the nav's "Saved views"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    table = models.CharField(max_length=60)
    name = models.CharField(max_length=80)
    querystring = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["table", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "table", "name"], name="core_savedview_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.table})"
