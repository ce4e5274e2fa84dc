"""The shell's once-per-process tags (core.templatetags.shell) answer what Django's and django-htmx's own tags
answer, and forget their answers when a test swaps the settings they depend on."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings

PAIRS = [
    ("{% load shell %}{% asset 'css/app.css' %}", "{% load static %}{% static 'css/app.css' %}"),
    ("{% load shell %}{% asset 'a b/<x>.js' %}", "{% load static %}{% static 'a b/<x>.js' %}"),
    ("{% load shell %}{% page_url 'invoices:home' %}", "{% url 'invoices:home' %}"),
    ("{% load shell %}{% page_url 'accounts:signout' %}", "{% url 'accounts:signout' %}"),
    ("{% load shell %}{% cached_htmx_script %}", "{% load django_htmx %}{% htmx_script %}"),
]


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_each_tag_answers_what_the_stock_tag_answers(ours, theirs):
    assert _render(ours) == _render(theirs) != ""
    assert _render(ours) == _render(theirs)  # and again, from the cache


def test_a_changed_static_url_is_not_served_from_the_cache():
    before = _render("{% load shell %}{% asset 'css/app.css' %}")
    with override_settings(STATIC_URL="/assets-elsewhere/"):
        inside = _render("{% load shell %}{% asset 'css/app.css' %}")
        assert inside == _render("{% load static %}{% static 'css/app.css' %}")
        assert inside.startswith("/assets-elsewhere/")
    assert _render("{% load shell %}{% asset 'css/app.css' %}") == before


def test_debug_adds_django_htmxs_debug_script_as_the_stock_tag_does():
    with override_settings(DEBUG=True):
        ours = _render("{% load shell %}{% cached_htmx_script %}")
        assert ours == _render("{% load django_htmx %}{% htmx_script %}")
        assert "django-htmx.js" in ours or ours.count("<script") > 1


def test_a_page_with_a_csp_nonce_gets_it_in_the_htmx_tag():
    ours = _render("{% load shell %}{% cached_htmx_script %}", csp_nonce="n0nce")
    assert 'nonce="n0nce"' in ours
    assert ours == _render("{% load django_htmx %}{% htmx_script %}", csp_nonce="n0nce")
