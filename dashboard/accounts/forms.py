"""The two steps of signing in: email and password, then (when Nexudus asks) the 6-digit code."""

from __future__ import annotations

import re

from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Nexudus email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )
    # render_value=False: a re-shown form never echoes the password back into the page.
    password = forms.CharField(
        label="Password",
        max_length=512,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
    )


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
    # The password encrypted with a key that only the server's session holds (see pending.py).
    pending = forms.CharField(widget=forms.HiddenInput, max_length=2048)

    def clean_code(self) -> str:
        # Authenticator apps show "123 456"; people type it that way.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("Enter the 6 digits shown in your authenticator app.")
        return code
