"""Bank statement imports: the file as read, each line with its verdict and decision, and each posting
(one ledger entry) with its one-time key and state, so a worker can stop anywhere and resume exactly."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def one_time_key() -> str:
    # Short enough to sit in a ledger entry's description, random enough never to repeat.
    return "BD" + uuid.uuid4().hex[:14].upper()


class RememberedMapping(models.Model):
    """The columns a person chose for a bank's header, offered again for the next statement with it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    header_signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "header_signature"], name="statements_mapping_once")]

    def __str__(self) -> str:
        return f"Columns of {self.header_signature[:8]} for user {self.user_id}"


class StatementImport(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Choosing columns"
        REVIEW = "review", "Reviewing matches"
        QUEUED = "queued", "Waiting for the worker"
        POSTING = "posting", "Posting"
        PAUSED = "paused", "Paused"
        DONE = "done", "Finished"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list)  # [[row number, [cells]]] as read, until the lines are made
    delimiter = models.CharField(max_length=2, default=",")
    header_signature = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)  # what was decided for the person, in words
    currency_code = models.CharField(max_length=3, blank=True)  # "" = match invoices in any currency
    create_tokens = models.BooleanField(default=False)  # also a BankTransfer payment token per invoice paid
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MAPPING)
    pause_reason = models.CharField(max_length=300, blank=True)
    posting_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which worker is posting it, until when (renewed as it goes): a second worker keeps off, and a dead
    # one's import is taken over once its lease ends (or at once when it was on this host and is gone).
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name or 'pasted rows'})"


class StatementLine(models.Model):
    class Decision(models.TextChoices):
        POST = "post", "Post"
        SKIP = "skip", "Skip"

    class State(models.TextChoices):
        SKIPPED = "skipped", "Skipped"
        WAITING = "waiting", "Waiting"
        DONE = "done", "Posted"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    statement_import = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField()
    date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=200, blank=True)
    payer = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)  # date + amount + reference
    key = models.CharField(max_length=20, unique=True, default=one_time_key)
    verdict = models.CharField(max_length=20)
    explanation = models.CharField(max_length=500, blank=True)
    candidates = models.JSONField(default=list, blank=True)  # [{id, number, customer, owed, currency}]
    chosen_invoices = models.CharField(max_length=200, blank=True)  # the person's own invoice numbers
    decision = models.CharField(max_length=4, choices=Decision.choices, default=Decision.SKIP)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SKIPPED)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["row"]
        constraints = [models.UniqueConstraint(fields=["statement_import", "row"], name="statements_line_row_once")]

    def __str__(self) -> str:
        return f"Row {self.row} of import {self.statement_import_id}"


class Posting(models.Model):
    """One ledger entry to write for a line: a payment of `amount` towards one invoice (or the account)."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENDING = "sending", "Being sent"  # sent or about to be: checked against Nexudus before any resend
        DONE = "done", "Posted"
        FAILED = "failed", "Refused"
        UNKNOWN = "unknown", "Outcome unknown"

    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="postings")
    seq = models.PositiveSmallIntegerField(default=1)
    coworker_id = models.BigIntegerField()
    business_id = models.BigIntegerField()
    invoice_id = models.BigIntegerField(null=True, blank=True)
    invoice_number = models.CharField(max_length=50, blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    currency_code = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)  # times sent
    checks = models.PositiveSmallIntegerField(default=0)  # times looked for in Nexudus since the last send
    entry_id = models.BigIntegerField(null=True, blank=True)
    token_state = models.CharField(max_length=8, choices=State.choices, blank=True)  # "" = no token wanted
    token_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line__row", "seq"]
        constraints = [models.UniqueConstraint(fields=["line", "seq"], name="statements_posting_once")]

    def __str__(self) -> str:
        return f"Posting {self.key}"

    @property
    def key(self) -> str:
        """The one-time key written into the entry's description: how a resumed worker finds it in Nexudus."""
        return f"{self.line.key}-{self.seq}"
