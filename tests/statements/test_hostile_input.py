"""Hostile input on the import pages (the corpus of tests/reliability): never a 5xx, nothing of the input
runs in the page, nothing refused reaches Nexudus, and out-of-range ids in the path are simply not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.statements.forms import ColumnMappingForm, LineDecisionForm, StatementUploadForm
from dashboard.statements.models import StatementImport
from tests.reliability.hostile import CORPUS, RAW_MARKERS, as_querydict

from .test_end_to_end import upload_and_match

HEADER = ["Date", "Reference", "Amount"]
PATH_PAGES = ("mapping", "review", "progress", "results", "results-csv")
POST_PAGES = ("mapping", "post", "resume")


def _problems(response, label: str) -> list[str]:
    found = [f"{label}: HTTP {response.status_code}"] if response.status_code >= 500 else []
    html = response.content.decode(errors="replace")
    return found + [f"{label}: unescaped {marker!r}" for marker in RAW_MARKERS if marker in html]


@pytest.mark.parametrize("name", list(StatementUploadForm.base_fields))
def test_upload_fields(ops_client, upstream, name):
    problems: list[str] = []
    before = upstream.counters()["total"]
    for case, value in CORPUS:
        problems += _problems(ops_client.post(reverse("statements:upload"), {name: value}), f"{name}={case}")
    assert upstream.counters()["total"] == before  # reading a statement asks Nexudus nothing
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["date", "amount", "paid_in", "paid_out", "reference", "payer", "date_order"])
def test_mapping_fields(ops_client, upstream, name):
    ops_client.post(reverse("statements:upload"), {"pasted": "Date,Reference,Amount\n2025-03-01,x,1.00\n"})
    statement_import = StatementImport.objects.get()
    url = reverse("statements:mapping", args=[statement_import.pk])
    valid = {"date": "0", "reference": "1", "amount": "2"}
    problems: list[str] = []
    for case, value in CORPUS:
        data = {**valid, name: value}
        before = upstream.counters()["total"]
        problems += _problems(ops_client.post(url, data), f"{name}={case}")
        form = ColumnMappingForm(as_querydict(data), header=HEADER)
        if not form.is_valid() and upstream.counters()["total"] != before:
            problems.append(f"{name}={case}: refused, yet reached Nexudus")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(LineDecisionForm.base_fields))
def test_line_decision_fields(ops_client, upstream, name):
    statement_import = upload_and_match(ops_client, "Date,Reference,Amount\n2025-03-01,nothing,12.34\n")
    line = statement_import.lines.get()
    url = reverse("statements:line", args=[statement_import.pk, line.pk])
    problems: list[str] = []
    for case, value in CORPUS:
        data = {f"line{line.pk}-decision": "post", f"line{line.pk}-{name}": value}
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            problems += _problems(ops_client.post(url, data, **headers), f"{name}={case}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("raw", ["0", "2147483648", "9223372036854775808", "9" * 40])
def test_out_of_range_ids_in_the_path_are_not_found(ops_client, upstream, raw):
    before = upstream.counters()["total"]
    for name in PATH_PAGES:
        assert ops_client.get(reverse(f"statements:{name}", args=[int(raw)])).status_code == 404, name
    for name in POST_PAGES:
        assert ops_client.post(reverse(f"statements:{name}", args=[int(raw)])).status_code == 404, name
    assert ops_client.post(reverse("statements:line", args=[int(raw), int(raw)])).status_code == 404
    assert upstream.counters()["total"] == before
