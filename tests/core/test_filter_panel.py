"""The filter panel drawn in one render (dashboard.core.filter_panel) is the panel Django renders field by field:
the same parsed HTML for any bound data, hostile text, wrong values and errors, for every search form."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.test.html import parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.audit.forms import AuditFilterForm
from dashboard.core.filter_panel import control, render_filter_panel
from dashboard.core.forms import SearchForm, SearchTextField
from dashboard.ledger.forms import CustomerLedgerSearchForm, LedgerEntrySearchForm
from dashboard.payment_tokens.forms import PaymentTokenSearchForm
from tests.fuzz.strategies import hostile_text

#: The panel as it was rendered before the one-render path (templates/core/_filters.html with each filter's
#: group from core/filter_field.html), in the Django template language: each control is `{{ field }}`, i.e.
#: `BoundField.as_widget()` through the project's form renderer and Django's own widget templates.
REFERENCE_GROUP = """<div class="filter{% if field.errors %} has-error{% endif %}">
  <label for="{{ field.id_for_label }}">{{ field.label }}</label>
  {{ field }}
  {% if field.errors %}<ul class="field-error" id="{{ field.auto_id }}_error" role="alert">{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
  {% if field.help_text %}<small id="{{ field.auto_id }}_helptext">{{ field.help_text }}</small>{% endif %}
</div>"""  # noqa: E501
REFERENCE_PANEL = Template(
    """<form id="{{ form.form_id }}" class="search-form" method="get" action="{{ path }}" aria-label="Filters"
      hx-get="{{ path }}" hx-target="#results" hx-swap="outerHTML" hx-push-url="true"
      hx-sync="this:replace" hx-indicator="#search-indicator">
  {% if form.non_field_errors %}<ul class="errorlist" role="alert">{% for error in form.non_field_errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
  <div class="filters">
    {% for field in form.primary_fields %}GROUP{% endfor %}
  </div>
  {% if form.more_fields %}
  {% with in_use=form.more_in_use %}
  <details class="more-filters" id="more-filters"{% if in_use %} open{% endif %}>
    <summary>More filters{% if in_use %} <span class="badge">{{ in_use }} set</span>{% endif %}</summary>
    <div class="filters">
      {% for field in form.more_fields %}GROUP{% endfor %}
    </div>
  </details>
  {% endwith %}
  {% endif %}
  {% for field in form.hidden_fields %}{{ field }}{% endfor %}
  <div class="search-actions">
    <button type="submit" class="small">Search</button>
    <a href="{% firstof clear_url path %}" role="button" class="secondary outline small">Clear filters</a>
    <span id="search-indicator" class="htmx-indicator busy-indicator" role="status"><span class="spinner" aria-hidden="true"></span> Searching…</span>
  </div>
</form>""".replace("GROUP", REFERENCE_GROUP)  # noqa: E501
)
GROUP = Template(REFERENCE_GROUP)


class EveryWidgetForm(SearchForm):
    """Widgets and options the project's search forms do not use yet: drawn here, or left to Django."""

    primary_filters = ("email", "kinds", "flag", "grouped")

    email = forms.EmailField(label="Email", required=True, help_text="Someone's <address>.")
    kinds = forms.MultipleChoiceField(
        label="Kinds", required=False, choices=[("a", "A & a"), ("b", '"B"'), (3, "Three")]
    )
    flag = forms.BooleanField(label="Flag", required=False)
    grouped = forms.ChoiceField(
        label="Grouped",
        required=False,
        choices=[("", "Any"), ("Fruit <ripe>", [("apple", "Apple"), ("pear", "Pear")]), ("veg", "Veg")],
        widget=forms.Select(attrs={"data-on": True, "data-off": False, "data-n": 1, "data-quote": "a\"b'<c>"}),
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)  # Django renders it
    pick = forms.ChoiceField(label="Pick", required=False, choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    amount = forms.DecimalField(label="Amount", required=False, localize=True)  # Django renders it
    when = forms.DateField(label="When", required=False, disabled=True)
    text = SearchTextField(label="Text", show_hidden_initial=True)  # Django renders it
    secret = forms.CharField(required=False, widget=forms.HiddenInput)


def _customer_form(data: QueryDict, **kwargs: Any) -> CustomerLedgerSearchForm:
    return CustomerLedgerSearchForm(data, coworker_id=20085, **kwargs)


FORMS = {
    "token": PaymentTokenSearchForm,
    "ledger": LedgerEntrySearchForm,
    "customer": _customer_form,
    "audit": AuditFilterForm,
    "audit-all": lambda data, **kwargs: AuditFilterForm(data, can_view_all=True, **kwargs),
    "every-widget": EveryWidgetForm,
}


def _names(make) -> list[str]:
    return list(make(QueryDict()).fields)


def _values(make) -> list[str]:
    """Values a form accepts (each select's choices), so that selected options are drawn too."""
    values = ["", "1", "2", "true", "false", "unknown", "2025-01-31", "12.50"]
    for field in make(QueryDict()).fields.values():
        for value, label in getattr(field, "choices", []):
            if isinstance(label, list | tuple):
                values.extend(str(sub) for sub, _ in label)
            else:
                values.append(str(value))
    return values


@st.composite
def bound_forms(draw) -> tuple[SearchForm, str | None]:
    key = draw(st.sampled_from(sorted(FORMS)))
    make = FORMS[key]
    names = _names(make)
    value = st.one_of(hostile_text, st.sampled_from(_values(make)))
    data = QueryDict(mutable=True)
    for name, values in draw(
        st.dictionaries(st.sampled_from([*names, "unknown"]), st.lists(value, min_size=1, max_size=3), max_size=8)
    ).items():
        data.setlist(name, values)
    search_url = draw(st.sampled_from([None, "/search/", "/customers/20085/ledger/?a=1&b=\"<x>'"]))
    form = make(data, search_url=search_url)
    form.is_valid()
    # More errors, as a view or Nexudus's answer adds them (apply_upstream_errors): several on one field,
    # above the form, on a hidden field; with hostile text.
    for name, message in draw(st.lists(st.tuples(st.sampled_from([*names, None]), hostile_text), max_size=4)):
        form.add_error(name, message or "?")
    clear_url = draw(st.sampled_from([None, "", "/customers/1/ledger/?business=1001&x=<y>"]))
    return form, clear_url


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bound_forms())
def test_the_panel_is_the_panel_django_renders_field_by_field(case):
    form, clear_url = case
    action = "/ledger-entries/"
    expected = REFERENCE_PANEL.render(Context({"form": form, "path": action, "clear_url": clear_url}))
    assert parse_html(render_filter_panel(form, action=action, clear_url=clear_url)) == parse_html(expected)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bound_forms())
def test_each_control_is_djangos_widget_and_each_group_its_as_field_group(case):
    form, _ = case
    for bound in form:
        assert parse_html(control(bound)) == parse_html(str(bound)), bound.name
        if not bound.is_hidden:
            expected = GROUP.render(Context({"field": bound}))
            assert parse_html(bound.as_field_group()) == parse_html(expected), bound.name


def test_the_panel_keeps_the_input_shows_each_error_at_its_field_and_escapes_what_was_typed():
    form = LedgerEntrySearchForm(
        {"description": '"><script>alert(1)</script>', "debit_from": "abc", "billed": "maybe"}, search_url="/le/"
    )
    assert not form.is_valid()
    form.add_error("debit_from", "Second <b>problem</b>.")
    html = str(render_filter_panel(form, action="/le/"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'value="abc"' in html  # the person's input kept
    assert 'aria-invalid="true" aria-describedby="id_debit_from_error" id="id_debit_from"' in html
    assert '<ul class="field-error" id="id_debit_from_error" role="alert"><li>Enter a number.</li>' in html
    assert "<li>Second &lt;b&gt;problem&lt;/b&gt;.</li>" in html
    assert '<option value="unknown" selected>Any</option>' in html  # a bad "billed" shows as Any, as Django does
    assert '<details class="more-filters" id="more-filters" open>' in html  # a wrong "more" filter opens it


@pytest.mark.parametrize("key", sorted(set(FORMS) - {"every-widget"}))
def test_the_widgets_of_the_search_forms_are_drawn_by_the_panel_not_left_to_django(key, monkeypatch):
    """The fast path is taken for every control the project's search forms use (else it gains nothing)."""
    form = FORMS[key](QueryDict("provider=2&code=x"), search_url="/s/")
    monkeypatch.setattr(forms.BoundField, "__str__", lambda self: pytest.fail(f"{self.name} rendered by Django"))
    assert "<form" in render_filter_panel(form, action="/s/")


def test_attribute_values_that_are_equal_but_of_other_types_are_drawn_each_as_django_does():
    """The cached markup of attributes and options must not confuse True with 1 (equal, and the same key)."""

    class Form(SearchForm):
        first = forms.CharField(required=False)  # takes "/" (data-search-focus)
        # The same id, so that the attributes differ only by the value's type.
        on = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": True, "id": "x"}))
        one = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": 1, "id": "x"}))
        text = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": "1", "id": "x"}))
        choice = forms.ChoiceField(required=False, choices=[(1, 1), (True, True), ("1", "1"), ("x", "x")])

    form = Form(QueryDict("choice=x"))
    drawn = [str(control(bound)) for bound in form]
    assert drawn == [str(bound) for bound in form]
    assert " data-x " in drawn[1] and 'data-x="1"' in drawn[2]


@pytest.fixture
def panels(monkeypatch) -> list[str]:
    """The actions of the filter panels rendered while the test runs."""
    from dashboard.core.templatetags import search_filters

    drawn: list[str] = []

    def counted(form, *, action, clear_url=None):
        drawn.append(action)
        return render_filter_panel(form, action=action, clear_url=clear_url)

    monkeypatch.setattr(search_filters, "render_filter_panel", counted)
    return drawn


@pytest.mark.parametrize(
    "url",
    [
        "/payment-tokens/?provider=2&sort=-created_on&page=2",
        "/ledger-entries/?code=PAYM&sort=-transaction_date&per_page=50",
        "/audit/?action=&sort=-at",
        "/customers/20001/ledger/?business={business}&sort=-transaction_date&page=1",
    ],
)
def test_table_fragments_never_render_the_filter_panel_and_full_pages_render_it_once(ops_client, upstream, panels, url):
    if "{business}" in url:
        business = upstream.api("GET", "/api/spaces/coworkers/20001").json()["InvoicingBusinessId"]
        url = url.format(business=business)
    fragment = ops_client.get(url, HTTP_HX_REQUEST="true")  # a sort, a page, a filter typed: #results only
    assert fragment.status_code == 200
    assert panels == [] and 'id="search-form"' not in fragment.content.decode()
    page = ops_client.get(url)
    assert page.status_code == 200
    assert 'id="search-form"' in page.content.decode()
    # The customer's page folds its filters: they are rendered only when opened (core.listing.search).
    assert panels == ([] if url.startswith("/customers/") else [url.split("?")[0]])
