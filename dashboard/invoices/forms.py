"""The quick-find box: one strictly validated text field; nothing invalid is ever sent upstream."""

from __future__ import annotations

import re

from django import forms

MAX_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class QuickFindForm(forms.Form):
    q = forms.CharField(
        label="Find an invoice, payment, ledger entry or customer",
        max_length=MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Type an invoice number, an id, a customer's name or email, or the last 4 characters of a "
            "payment token.",
            "max_length": f"That is too long to be a number or id: use at most {MAX_LENGTH} characters.",
        },
        help_text="An invoice number in any case, with or without the prefix and zeros (INV-01963, inv-1963, "
        "1963), an id, the last 4 characters of a payment token, a customer's name or email, or a business.",
        widget=forms.SearchInput(
            attrs={
                "data-search-focus": "",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "INV-1963, Sofia Robinson or 4242",
                "enterkeyhint": "search",
            }
        ),
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        # Pasted text often carries invisible characters (zero-width spaces, direction marks): a search
        # for them would find nothing and they could never be intended.
        if _CONTROL.search(value):
            raise forms.ValidationError("Remove the hidden or control characters from what you pasted.")
        return value
