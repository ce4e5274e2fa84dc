"""The strict CSP only works if nothing inline is ever sent: no `<script>` without `src`, no `on…=` handler
attributes, no `javascript:` URLs, no `style=` attributes or `<style>` elements — in the templates, in HTML
built in Python, and in what the pages actually render."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .pages import all_pages, sample_ids

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "dashboard").glob("*/templates"))]
TEMPLATES = sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))
PYTHON = sorted(
    p for p in (ROOT / "dashboard").rglob("*.py") if "sandbox" not in p.parts and "migrations" not in p.parts
)

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"""(?:^|[\s"'])on[a-z]+\s*=""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""(?:^|[\s"'])style\s*=""", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def _template_problems(text: str) -> list[str]:
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    problems = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on…= handler", HANDLER_ATTRIBUTE),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("javascript: URL", JS_URL),
    ]:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {name}: {match.group(0).strip()[:60]}")
    return problems


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 20 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_scripts_handlers_or_styles(template):
    problems = _template_problems(template.read_text())
    assert not problems, "\n".join(problems)


def test_html_built_in_python_has_no_inline_scripts_handlers_or_styles():
    problems = []
    for path in PYTHON:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not re.search(r"format_html|mark_safe|SafeString|<\w", line):
                continue
            literal = " ".join(re.findall(r"""(?:'[^']*'|"[^"]*")""", line))
            for problem in _template_problems(literal):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<div style="color:red">',
        "<style>p{}</style>",
        '<a href="javascript:void(0)">',
        "<svg onload=x>",
    ],
)
def test_the_template_scan_finds_inline_code(snippet):
    assert _template_problems(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/app.js" defer></script>',
        '<rect fill="red" stroke-width="2">',
        '<button data-copy="x" hx-on-not-used="">',
        "<p>Written on 1 May</p>",
        '<input name="monday">',
    ],
)
def test_the_template_scan_allows_external_scripts_and_svg_presentation_attributes(snippet):
    assert not _template_problems(snippet)


class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def test_no_rendered_page_contains_inline_code(ops_client, upstream):
    ids = sample_ids(upstream)
    problems = []
    for page in all_pages():
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = ops_client.get(page.path(**ids), follow=True, **headers)
            finder = InlineFinder()
            finder.feed(response.content.decode(errors="replace"))
            problems += [f"{page.name}: {problem}" for problem in finder.problems]
    assert not problems, "\n".join(sorted(set(problems)))
