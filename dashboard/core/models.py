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
