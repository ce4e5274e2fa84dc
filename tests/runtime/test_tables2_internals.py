"""What core/table_body.py and runtime/tables2_signature.py read inside django-tables2 (pinned to 3.0.x in
pyproject.toml). When an upgrade moves any of it, this fails by name, before a page renders wrongly."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import django_tables2 as tables
from django_tables2 import utils as tables2_utils
from django_tables2.columns.base import BoundColumn, LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import A, AttributeDict


def test_the_pinned_minor_version_is_installed():
    assert version("django-tables2").startswith("3.0."), "re-verify core/table_body.py, then move the pin"


def test_call_with_appropriate_looks_signature_up_in_its_module_at_call_time():
    # The memo replaces `django_tables2.utils.signature`; that only works while calls read the global.
    assert "signature(" in inspect.getsource(tables2_utils.call_with_appropriate)
    assert tables2_utils.signature(lambda value, record: None) == (("value", "record"), None)


def test_the_accessor_separators_and_attribute_dict_exist():
    assert A.SEPARATOR == "__" and A.LEGACY_SEPARATOR == "."
    assert AttributeDict({"class": "x"}).as_html() == 'class="x"'
    assert issubclass(ManyToManyColumn, tables.Column) and issubclass(BaseLinkColumn, tables.Column)


def test_the_bound_column_and_row_attributes_the_compact_body_reads():
    class Table(tables.Table):
        name = tables.Column(linkify=lambda record: "/x/")

    table = Table([{"name": "a"}])
    bound = table.columns["name"]
    assert isinstance(bound, BoundColumn)
    for attribute in ("accessor", "attrs", "default", "link", "localize", "name", "render", "column"):
        assert hasattr(bound, attribute), attribute
    assert bound._table is table  # read to hand `table` to render functions
    assert isinstance(bound.link, LinkTransform) and callable(bound.link.url)
    assert hasattr(bound.column, "empty_values") and "td" in bound.attrs
    bound.current_record, bound.current_value = {"name": "a"}, "a"  # set around per-record <td> attributes
    row = next(iter(table.paginated_rows))
    assert isinstance(row, BoundRow) and row.record == {"name": "a"} and row.get_cell("name")
    assert hasattr(table, "row_attrs") and hasattr(row, "attrs")


def test_the_stock_template_still_has_the_tbody_block_ours_overrides():
    from django.template.loader import get_template

    source = get_template("django_tables2/table.html").template.source
    assert "{% block table.tbody %}" in source and "{% block table.thead %}" in source
