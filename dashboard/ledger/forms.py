"""The ledger entry form and the search filters. Field names are the record's (or query's) attribute
names, so Nexudus's field errors land on the control that caused them."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from dashboard.core.forms import (
    EnumChoiceField,
    FieldGroupTemplateMixin,
    LocalDateField,
    LocalDateTimeField,
    OneTimeKeyForm,
    SearchForm,
    SearchTextField,
)
from dashboard.core.params import DecimalField, IdField, looks_like_id, parse_id
from dashboard.nexudus.enums import PaymentProvider
from dashboard.nexudus.queries import LedgerEntryDraft, LedgerEntryQuery

from .wording import MAX_PLACES, currency_places, decimal_places

MAX_AMOUNT = Decimal("999999999.9999")
PARTY_FIELDS = ("business_id", "coworker_id", "coworker_invoice_id")
#: Each party's picker: its search endpoint, what it searches by, extra inputs sent with a search (the
#: invoice picker narrows to the chosen customer), and whether it lists matches as soon as it is focused.
PICKERS = {
    "coworker_id": ("ledger:pick-coworker", "name or id", "", False),
    "business_id": ("ledger:pick-business", "name or id", "", True),
    "coworker_invoice_id": ("ledger:pick-invoice", "number or id", "#id_coworker_id", True),
}
LABEL_MAX_LENGTH = 300


class AmountField(DecimalField):
    """A non-negative amount. The business's currency decides the places; before it is known, no
    currency allows more than MAX_PLACES."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=Decimal("0"), max_value=MAX_AMOUNT, max_digits=None, decimal_places=MAX_PLACES, **kwargs
        )
        self.widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.error_messages["min_value"] = "Enter zero or a positive amount (use the other column to reverse)."


class DisplayLabelField(forms.CharField):
    """A name carried only to be shown again (never sent upstream): anything is accepted, cut to size and
    without NUL characters, so it can never be the reason a form is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.validators = []

    def to_python(self, value):
        text = value if isinstance(value, str) else ""
        return text.replace("\x00", "").strip()[:LABEL_MAX_LENGTH]


class WallClockDateTimeField(LocalDateTimeField):
    """Transaction date (local) is the location's wall-clock time, which Nexudus sends with a literal Z:
    the value is kept exactly as typed (tagged UTC) instead of being converted from our time zone."""

    def to_python(self, value):
        with timezone.override(UTC):
            return super().to_python(value)


class LedgerEntryForm(FieldGroupTemplateMixin, OneTimeKeyForm):
    business_id = IdField(label="Business")
    coworker_id = IdField(label="Customer (coworker)")
    description = forms.CharField(label="Description", max_length=255)
    code = forms.CharField(label="Code", max_length=50, help_text="e.g. PAYM for a payment, ADJU for an adjustment.")
    # Blank means 0: an entry is a debit or a credit, so the other column is normally left empty.
    debit = AmountField(
        label="Debit", required=False, help_text="What the customer is charged: increases what they owe. Blank: 0."
    )
    credit = AmountField(
        label="Credit",
        required=False,
        help_text="What the customer paid or is credited: reduces what they owe. Blank: 0.",
    )
    coworker_invoice_id = IdField(label="Invoice", required=False)
    payment_gateway = EnumChoiceField(PaymentProvider, label="Payment gateway", blank_label="None")
    payment_method_number = forms.CharField(label="Payment method number", max_length=100, required=False)
    transaction_date = LocalDateTimeField(label="Transaction date", help_text="Leave empty for now.")
    transaction_date_local = WallClockDateTimeField(
        label="Transaction date (local)", help_text="The same moment in the location's own time zone."
    )
    billed = forms.BooleanField(label="Billed", required=False)
    connected_transaction_guid = forms.CharField(label="Connected transaction GUID", required=False, max_length=64)

    # The name shown next to each picked id ("Chosen: Ada Lovelace"), carried by the form itself so that
    # it survives a validation error or "Change the details" without asking Nexudus again. Display only:
    # never sent upstream, not part of what is reviewed (the review reads the records itself).
    business_id_label = DisplayLabelField()
    coworker_id_label = DisplayLabelField()
    coworker_invoice_id_label = DisplayLabelField()

    # The entry this one reverses (from "Reverse this entry"); checked against it on every step.
    reverses = IdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PARTY_FIELDS:
            self.fields[name].widget.attrs.update(
                {"placeholder": "Id", "autocomplete": "off", "aria-describedby": f"id_{name}_chosen"}
            )

    @property
    def pickers(self) -> dict[str, SafeString]:
        """Each party's picker (ledger/picker.html, Jinja2), by field name: `{{ form.pickers.coworker_id }}`."""
        return {
            name: self[name].render(
                template_name="ledger/picker.html",
                context={
                    "field": self[name],
                    "label": self[f"{name}_label"],
                    "url": reverse(url_name),
                    "by": by,
                    "include": include,
                    "browse": browse,
                },
            )
            for name, (url_name, by, include, browse) in PICKERS.items()
        }

    def clean_debit(self) -> Decimal:
        return self.cleaned_data["debit"] or Decimal("0")

    def clean_credit(self) -> Decimal:
        return self.cleaned_data["credit"] or Decimal("0")

    def clean_connected_transaction_guid(self) -> str | None:
        value = self.cleaned_data["connected_transaction_guid"].strip()
        if not value:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise forms.ValidationError(
                "Enter a GUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.", code="invalid_guid"
            ) from None

    def clean(self):
        cleaned = super().clean()
        debit, credit = cleaned.get("debit"), cleaned.get("credit")
        if debit is not None and credit is not None and debit == 0 and credit == 0:
            raise forms.ValidationError(
                "Enter a debit or a credit: both are zero (blank is 0), so this entry would change nothing.",
                code="both_zero",
            )
        return cleaned

    # --- after the business is known -----------------------------------------------------------------

    def check_currency_places(self, currency_code: str | None) -> bool:
        """Amounts must fit the business's currency (GBP 2 places, JPY none...). Adds field errors."""
        places = currency_places(currency_code)
        ok = True
        for name in ("debit", "credit"):
            amount = self.cleaned_data.get(name)
            if amount is not None and decimal_places(amount) > places:
                noun = "no decimal places" if places == 0 else f"at most {places} decimal places"
                self.add_error(name, f"{currency_code or 'This currency'} amounts have {noun}.")
                ok = False
        return ok

    @property
    def both_amounts(self) -> bool:
        return bool(self.cleaned_data.get("debit")) and bool(self.cleaned_data.get("credit"))

    @property
    def net_change(self) -> Decimal:
        """What the entry does to the customer's balance (positive: they owe more)."""
        return self.cleaned_data["debit"] - self.cleaned_data["credit"]

    def draft(self, *, expected_balance: Decimal) -> LedgerEntryDraft:
        data = self.cleaned_data
        return LedgerEntryDraft(
            business_id=data["business_id"],
            coworker_id=data["coworker_id"],
            description=data["description"],
            code=data["code"],
            debit=data["debit"],
            credit=data["credit"],
            coworker_invoice_id=data.get("coworker_invoice_id"),
            payment_gateway=data.get("payment_gateway"),
            payment_method_number=data.get("payment_method_number") or None,
            transaction_date=data.get("transaction_date"),
            transaction_date_local=data.get("transaction_date_local"),
            billed=bool(data.get("billed")),
            connected_transaction_guid=data.get("connected_transaction_guid"),
            expected_balance=expected_balance,
        )

    def fingerprint(self) -> str:
        """A digest of what was reviewed: the confirm POST must carry exactly the same entry."""
        entry = {k: str(v) for k, v in self.cleaned_data.items() if k != "submission_key" and not k.endswith("_label")}
        canonical = json.dumps(entry, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


class BilledSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Any"), ("true", "Yes"), ("false", "No")]


def _range_amount(label: str) -> forms.DecimalField:
    field = DecimalField(label=label, required=False, max_digits=15, decimal_places=MAX_PLACES)
    field.widget.attrs.update({"inputmode": "decimal", "step": "any"})
    return field


class ChosenIdField(forms.Field):
    """An id a page chose and carries (a hidden field, not typed by the person): anything that is not an id
    is None, never an error."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return parse_id(value if isinstance(value, str) else None)


class LedgerEntrySearchForm(SearchForm):
    """Filters of `/ledger-entries/`. Business, customer and invoice each take an id or a name/number."""

    query_class = LedgerEntryQuery
    primary_filters: tuple[str, ...] | None = ("coworker", "invoice", "business", "description", "code")
    # field -> (query attribute for an id, query attribute for text)
    either_id_or_text = {
        "business": ("business_id", "business_name"),
        "coworker": ("coworker_id", "coworker_full_name"),
        "invoice": ("coworker_invoice_id", "invoice_number"),
    }
    range_pairs = (
        ("debit_from", "debit_to"),
        ("credit_from", "credit_to"),
        ("balance_from", "balance_to"),
        ("transaction_from", "transaction_to"),
        ("created_from", "created_to"),
        ("updated_from", "updated_to"),
    )

    coworker = SearchTextField(label="Customer (id or name)")
    business = SearchTextField(label="Business (id or name)")
    invoice = SearchTextField(label="Invoice (id or number)")
    description = SearchTextField(label="Description")
    code = SearchTextField(label="Code", max_length=50)
    payment_gateway = EnumChoiceField(PaymentProvider, label="Payment gateway")
    billed = forms.NullBooleanField(label="Billed", required=False, widget=BilledSelect)
    debit_from = _range_amount("Debit from")
    debit_to = _range_amount("Debit to")
    credit_from = _range_amount("Credit from")
    credit_to = _range_amount("Credit to")
    balance_from = _range_amount("Balance from")
    balance_to = _range_amount("Balance to")
    transaction_from = LocalDateField(label="Transaction date from")
    transaction_to = LocalDateField(label="Transaction date to", end_of_day=True)
    created_from = LocalDateField(label="Created from")
    created_to = LocalDateField(label="Created to", end_of_day=True)
    updated_from = LocalDateField(label="Updated from")
    updated_to = LocalDateField(label="Updated to", end_of_day=True)

    def clean(self):
        cleaned = super().clean()
        for name in self.either_id_or_text:
            value = cleaned.get(name) or ""
            if looks_like_id(value) and parse_id(value) is None:
                self.add_error(name, "No record has that id: ids are whole numbers from 1 to 2147483647.")
        return cleaned

    def query_filters(self) -> dict:
        """The query's filters: an id-or-name field becomes the id or the text attribute it names."""
        filters = dict(self.active_filters)
        for name, (id_attribute, text_attribute) in self.either_id_or_text.items():
            value = filters.pop(name, None)
            if value is None:
                continue
            if (record_id := parse_id(value)) is not None:
                filters[id_attribute] = record_id
            else:
                filters[text_attribute] = value
        return filters

    def to_query(self, **paging):
        if not self.is_valid():
            raise ValueError("An invalid search form must not become a query.")
        return self.query_class(**self.query_filters(), **paging)


class CustomerLedgerSearchForm(LedgerEntrySearchForm):
    """The ledger search's filters on a customer's page, with the same fields and checks: the customer is the
    page's, and the business the one chosen there, kept in a hidden field so that the form and the table's
    links carry it. A business that is not an id is ignored (the page then chooses one), never an error."""

    primary_filters = ("description", "code", "transaction_from", "transaction_to")
    either_id_or_text = {"invoice": ("coworker_invoice_id", "invoice_number")}

    coworker = None  # type: ignore[assignment]  # Django's way to remove an inherited field
    business = ChosenIdField()  # type: ignore[assignment]

    def __init__(self, *args, coworker_id: int, **kwargs):
        self.coworker_id = coworker_id
        super().__init__(*args, **kwargs)

    @property
    def business_id(self) -> int | None:
        """The business named in the request (leniently: junk is None), valid filters or not."""
        return parse_id(str(self.data.get("business") or ""))

    def scope_to(self, business_id: int | None) -> None:
        """Carry the business the page chose (the request may name none) in the form and its links."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict (a dict in unit tests)
        data["business"] = str(business_id) if business_id is not None else ""
        self.data = data

    def query_filters(self) -> dict:
        filters = super().query_filters()
        filters.pop("business", None)
        return {**filters, "coworker_id": self.coworker_id, "business_id": self.cleaned_data.get("business")}
