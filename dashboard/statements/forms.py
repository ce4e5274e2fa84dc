"""Forms of the statement import: the upload, the column mapping, one line's decision."""

from __future__ import annotations

from django import forms

from dashboard.core.forms import FieldGroupTemplateMixin

from .parsing import ColumnMapping, StatementError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CURRENCIES = [("", "Any currency"), ("GBP", "GBP"), ("EUR", "EUR"), ("USD", "USD")]


class StatementUploadForm(FieldGroupTemplateMixin, forms.Form):
    statement = forms.FileField(
        label="Statement file (CSV)",
        required=False,
        help_text="A CSV export from your bank: comma or semicolon separated, with a header row.",
    )
    pasted = forms.CharField(
        label="Or paste the rows",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Include the header row.",
        max_length=MAX_UPLOAD_BYTES,
    )
    currency_code = forms.ChoiceField(
        label="Currency of this bank account",
        choices=CURRENCIES,
        required=False,
        help_text="Only invoices in this currency are matched.",
    )
    create_tokens = forms.BooleanField(
        label="Also record a Bank Transfer payment token for each invoice paid", required=False
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        upload = data.get("statement")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("statement", "The file is larger than 5 MB: split the statement.")
        elif upload is None and not (data.get("pasted") or "").strip():
            self.add_error("statement", "Choose a statement file, or paste its rows below.")
        return data

    def statement_data(self) -> tuple[bytes | str, str]:
        upload = self.cleaned_data.get("statement")
        if upload is not None:
            return upload.read(), upload.name
        return self.cleaned_data["pasted"], ""


ROLES = (
    ("date", "Date", True),
    ("amount", "Amount (signed: money in is positive)", False),
    ("paid_in", "Paid in", False),
    ("paid_out", "Paid out", False),
    ("reference", "Reference", False),
    ("payer", "Payer name", False),
)


class ColumnMappingForm(FieldGroupTemplateMixin, forms.Form):
    date_order = forms.ChoiceField(
        label="Dates written as",
        required=False,
        choices=[("", "Decide from the file"), ("dmy", "day/month/year"), ("mdy", "month/day/year")],
    )

    def __init__(self, *args, header: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        columns = [("", "— not in this file —")] + [
            (str(i), name or f"Column {i + 1}") for i, name in enumerate(header or [])
        ]
        fields = {}
        for name, label, required in ROLES:
            fields[name] = forms.ChoiceField(label=label, choices=columns, required=required)
        self.fields = {**fields, **self.fields}

    @staticmethod
    def initial_from(mapping: ColumnMapping | None) -> dict:
        if mapping is None:
            return {}
        return {k: ("" if v is None else str(v)) for k, v in mapping.as_dict().items()}

    def mapping(self) -> ColumnMapping | None:
        """The chosen mapping, or None with the problem on the form."""
        try:
            return ColumnMapping.from_dict(self.cleaned_data)
        except StatementError as error:
            self.add_error(None, str(error))
            return None


class LineDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Action", choices=[("post", "Post"), ("skip", "Skip")])
    candidate = forms.TypedChoiceField(label="Pay invoice", required=False, coerce=int, empty_value=None)
    invoice_numbers = forms.CharField(label="Or invoice number(s)", required=False, max_length=200)

    def __init__(self, *args, candidates: list[dict] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— as matched —")] + [
            (str(c["id"]), f"{c['number'] or c['id']} · {c['customer']} · {c['currency']} {c['owed']} owed")
            for c in candidates or []
        ]
