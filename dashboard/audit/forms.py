"""The audit trail filters: an ordinary GET form with the shared htmx search behaviour."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from dashboard.core.forms import SearchForm, SearchTextField
from dashboard.core.params import DateField, IdField

from .models import AuditRecord

RESOURCES = (
    ("payment_token", "Payment token"),
    ("ledger_entry", "Ledger entry"),
    ("session", "Sign-in session"),
)


def _choices(pairs) -> list[tuple[str, str]]:
    return [("", "Any"), *pairs]


class AuditFilterForm(SearchForm):
    range_pairs = (("date_from", "date_to"),)
    primary_filters = ("person", "action", "record_id", "date_from", "date_to")

    person = SearchTextField(label="Person", help_text="Part of an email address.")
    action = forms.ChoiceField(label="Action", choices=_choices(AuditRecord.Action.choices), required=False)
    resource = forms.ChoiceField(label="Record type", choices=_choices(RESOURCES), required=False)
    record_id = IdField(label="Record ID", required=False)
    outcome = forms.ChoiceField(label="Outcome", choices=_choices(AuditRecord.Outcome.choices), required=False)
    date_from = DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, can_view_all: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_view_all:
            del self.fields["person"]  # everyone else sees their own records only
            self.mark_search_focus()

    def filter(self, records: QuerySet[AuditRecord]) -> QuerySet[AuditRecord]:
        """`records` narrowed by the valid filters (the caller has already applied who may see what)."""
        data = self.active_filters
        if "person" in data:
            records = records.filter(Q(actor_email__icontains=data["person"]))
        for name in ("action", "resource", "record_id", "outcome"):
            if name in data:
                records = records.filter(**{name: data[name]})
        # Dates are whole days in the dashboard's time zone, "to" included.
        if "date_from" in data:
            records = records.filter(at__gte=_start_of(data["date_from"]))
        if "date_to" in data:
            records = records.filter(at__lt=_start_of(data["date_to"]) + timedelta(days=1))
        return records


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
