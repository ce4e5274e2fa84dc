"""The audit trail: one append-only row per write attempted through the dashboard, export, sign-in and
sign-out. Rows are written by `dashboard.audit.services` only; the app can never change or remove one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditTrailIsAppendOnly(Exception):
    """Raised by any attempt to change or delete an audit record from the app."""


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit records cannot be changed.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit records cannot be deleted.")

    def visible_to(self, user) -> AuditRecordQuerySet:
        """Everyone's records for dashboard administrators, otherwise the person's own."""
        if can_view_all(user):
            return self
        return self.filter(actor_id=user.pk) if user.is_authenticated else self.none()


def can_view_all(user) -> bool:
    """Dashboard administrators hold the `audit.view_all` permission (superusers hold every permission).
    `is_staff` is deliberately not enough: it is Django-admin access, not a say over colleagues' history."""
    return bool(user.is_authenticated and user.has_perm("audit.view_all"))


class AuditRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        SIGN_IN = "sign_in", "Sign in"
        SIGN_OUT = "sign_out", "Sign out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        REJECTED = "rejected", "Rejected by Nexudus"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    # Null only for a failed sign-in with an email no user has; PROTECT: a person with history stays.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254)  # as it was at the time, even if the user changes
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    resource = models.CharField(max_length=40, blank=True)  # "payment_token", "ledger_entry", "session"
    record_id = models.BigIntegerField(null=True, blank=True)
    request_summary = models.JSONField(default=dict, blank=True)  # what was asked, secrets masked
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    answer_summary = models.JSONField(default=dict, blank=True)  # what Nexudus answered (new Id, errors)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [("view_all", "Can see everyone's audit records")]
        default_permissions = ("view",)  # no add/change/delete permissions to hand out
        indexes = [
            models.Index(fields=["-at"], name="audit_at_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
            models.Index(fields=["resource", "record_id"], name="audit_record_idx"),
        ]

    def __str__(self) -> str:
        what = f"{self.resource} {self.record_id}" if self.record_id else self.resource
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {what} → {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit records cannot be deleted.")
