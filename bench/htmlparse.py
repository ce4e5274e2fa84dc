"""Just enough HTML reading to act like a browser: the fields of a form, and the CSS/JS a page loads.

Built on the stdlib parser so the harness needs no extra dependency. A form is read the way a browser
submits it: inputs (checked boxes and radios only), the selected option of each select, textareas.
Submit buttons are kept apart so the caller picks the one it "clicks".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submit buttons

    def data(self, button: tuple[str, str] | None = None, **overrides: str) -> list[tuple[str, str]]:
        """The fields as a browser would post them, with `overrides` replacing same-named values."""
        pairs = [(name, overrides.pop(name)) if name in overrides else (name, value) for name, value in self.fields]
        pairs = [(name, value) for name, value in pairs if value is not None]
        pairs.extend(overrides.items())
        if button is not None and button[0]:
            pairs.append(button)
        return pairs

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.assets: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.buttons.append((a.get("name", ""), a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = []
            if "selected" in a:
                self._choose(a.get("value"))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._textarea_text = a["name"], []

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        kind = a.get("type", "text").lower()
        name = a.get("name")
        if kind == "submit":
            self._form.buttons.append((name or "", a.get("value", "")))
        elif name and (kind not in {"checkbox", "radio"} or "checked" in a) and kind not in {"button", "file"}:
            self._form.fields.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))

    def _choose(self, value: str | None) -> None:
        if self._form is not None and self._select is not None and not self._select_chosen:
            self._form.fields.append((self._select, value or ""))
            self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)
        elif self._option_value is None and self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            if self._select_first is None:
                self._select_first = value
            self._option_value = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen:
                self._choose(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._textarea_text)))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def parse_assets(html: str) -> list[str]:
    """The stylesheet and script URLs a page loads, in document order, without duplicates."""
    parser = _FormParser()
    parser.feed(html)
    return list(dict.fromkeys(parser.assets))


def find_form(html: str, *, action_contains: str = "", method: str = "post", with_field: str = "") -> Form | None:
    """The first form whose action contains `action_contains`, with that method (and that field, if given)."""
    for form in parse_forms(html):
        if form.method != method or action_contains not in form.action:
            continue
        if with_field and form.value(with_field) is None:
            continue
        return form
    return None
