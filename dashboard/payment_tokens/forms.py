"""The payment token create form and search filters; field names are the record attribute names."""

from __future__ import annotations

from django import forms

from dashboard.core.forms import EnumChoiceField, LocalDateField, OneTimeKeyForm, SearchForm, SearchTextField
from dashboard.core.params import IdField
from dashboard.nexudus.enums import RegularPaymentProvider
from dashboard.nexudus.queries import PaymentTokenDraft, PaymentTokenQuery
from dashboard.nexudus.records import PaymentToken

TOKEN_MAX_LENGTH = 255
NOTES_MAX_LENGTH = 2000


class PaymentTokenForm(OneTimeKeyForm):
    coworker_invoice_id = IdField(
        label="Coworker invoice ID",
        help_text="The Nexudus Id of the invoice this token paid (a whole number).",
        error_messages={"required": "Enter the invoice ID.", "invalid": "Enter a whole number, like 1234."},
    )
    provider = EnumChoiceField(RegularPaymentProvider, label="Payment provider", blank_label="Not specified")
    token = forms.CharField(
        label="Token",
        required=False,
        max_length=TOKEN_MAX_LENGTH,
        help_text="The provider's token used to authorise or capture the payment.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["coworker_invoice_id", "provider", "token", "notes"]

    def to_draft(self) -> PaymentTokenDraft:
        data = self.cleaned_data
        return PaymentTokenDraft(
            coworker_invoice_id=data["coworker_invoice_id"],
            provider=data.get("provider"),
            token=data.get("token") or None,
            notes=data.get("notes") or None,
        )


class PaymentTokenSearchForm(SearchForm):
    query_class = PaymentTokenQuery
    range_pairs = (("created_from", "created_to"), ("updated_from", "updated_to"))

    coworker_invoice_id = IdField(label="Invoice ID", required=False)
    provider = EnumChoiceField(RegularPaymentProvider, label="Provider")
    token = SearchTextField(label="Token")
    notes = SearchTextField(label="Notes")
    created_from = LocalDateField(label="Created from")
    created_to = LocalDateField(label="Created to", end_of_day=True)
    updated_from = LocalDateField(label="Updated from")
    updated_to = LocalDateField(label="Updated to", end_of_day=True)


class PaymentTokenEditForm(OneTimeKeyForm):
    """What may be corrected on a saved token: its provider and notes (the invoice and token stay)."""

    provider = EnumChoiceField(
        RegularPaymentProvider,
        label="Payment provider",
        blank_label="Not specified",
        widget=forms.Select(attrs={"autofocus": True}),
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_draft(self, token: PaymentToken) -> PaymentTokenDraft:
        provider = token.provider if isinstance(token.provider, RegularPaymentProvider) else None
        return PaymentTokenDraft(
            coworker_invoice_id=token.coworker_invoice_id or 0,
            provider=self.cleaned_data.get("provider") if "provider" in self.cleaned_data else provider,
            token=token.token,
            notes=self.cleaned_data.get("notes") or None,
        )

    def changes(self, token: PaymentToken) -> list[tuple[str, str, str]]:
        """(field, before, after) in words, for the confirm step."""

        def label(provider) -> str:
            return provider.label if provider is not None and hasattr(provider, "label") else "Not specified"

        found = []
        if label(token.provider) != label(self.cleaned_data.get("provider")):
            found.append(("Payment provider", label(token.provider), label(self.cleaned_data.get("provider"))))
        if (token.notes or "") != (self.cleaned_data.get("notes") or ""):
            found.append(("Notes", token.notes or "—", self.cleaned_data.get("notes") or "—"))
        return found


class ConfirmForm(OneTimeKeyForm):
    """A confirm step's one-time key (deleting a token)."""
