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


class PreferencesVersion(models.Model):
    """Which copy of one person's table preferences and saved views is current: a fresh random value on
    every change, written in the same transaction as the change (`dashboard.core.preferences`).

    Read with the user on every request (settings.AUTH_USER_RELATED), it names the cached copy of the
    preferences, so every process either uses a current copy or none. Random rather than a counter: a value
    can never come back (a restored database or reused user id cannot revive an old cached copy).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences_version"
    )
    value = models.UUIDField()

    def __str__(self) -> str:
        return f"preferences version {self.value} of user {self.user_id}"
