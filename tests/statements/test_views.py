"""The import pages: sign-in required, one's own imports only, bad input explained (never a 500, nothing
kept or posted), columns remembered per person and header, a line's match changed by candidate or number."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.statements.models import StatementImport

from .statement_builder import owed, unpaid_invoices
from .test_end_to_end import upload_and_match


def test_sign_in_is_required(client, db):
    response = client.get(reverse("statements:upload"))
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_nothing_uploaded_is_explained_at_the_field(ops_client):
    response = ops_client.post(reverse("statements:upload"), {"pasted": "  "})
    assert response.status_code == 200
    assert "Choose a statement file, or paste its rows below." in response.content.decode()
    assert not StatementImport.objects.exists()


def test_a_file_that_is_not_text_is_refused_with_the_reason(ops_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("statement.pdf", b"%PDF-1.4\x00\x01\x02", content_type="application/pdf")
    response = ops_client.post(reverse("statements:upload"), {"statement": upload})
    assert response.status_code == 200
    assert "binary data" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_bad_rows_are_listed_and_nothing_is_kept(ops_client, upstream):
    text = "Date,Reference,Amount\n2025-03-01,INV-00010,10.00\n2025-02-31,x,1.00\n2025-03-02,y,ten\n"
    ops_client.post(reverse("statements:upload"), {"pasted": text})
    statement_import = StatementImport.objects.get()
    response = ops_client.post(
        reverse("statements:mapping", args=[statement_import.pk]), {"date": "0", "reference": "1", "amount": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 3: there is no such date" in page and "Row 4: “ten” is not an amount" in page
    assert "nothing was posted" in page
    assert not statement_import.lines.exists()


def test_columns_are_remembered_for_the_next_statement_with_that_header(ops_client, upstream):
    header = "Col A;Col B;Col C\n"
    ops_client.post(reverse("statements:upload"), {"pasted": header + "2025-03-01;5,00;INV-00010\n"})
    first = StatementImport.objects.get()
    page = ops_client.get(reverse("statements:mapping", args=[first.pk])).content.decode()
    assert "Guessed from the header" in page
    response = ops_client.post(
        reverse("statements:mapping", args=[first.pk]), {"date": "0", "amount": "1", "reference": "2"}
    )
    assert response.status_code == 302
    ops_client.post(reverse("statements:upload"), {"pasted": header.upper() + "2025-03-02;7,00;x\n"})
    second = StatementImport.objects.latest("pk")
    response = ops_client.get(reverse("statements:mapping", args=[second.pk]))
    assert "These are the columns you chose last time" in response.content.decode()
    form = response.context["form"]
    assert (form["date"].value(), form["amount"].value(), form["reference"].value()) == ("0", "1", "2")


def test_another_persons_import_is_not_found(ops_client, agent_client):
    ops_client.post(reverse("statements:upload"), {"pasted": "Date,Amount\n2025-03-01,1.00\n"})
    statement_import = StatementImport.objects.get()
    for name in ("mapping", "progress", "results", "results-csv"):
        assert agent_client.get(reverse(f"statements:{name}", args=[statement_import.pk])).status_code == 404


def test_a_line_is_changed_to_a_candidate_or_a_typed_invoice_number(ops_client, upstream):
    invoices = unpaid_invoices(upstream)
    target, other = invoices[0], invoices[1]
    text = (
        "Date,Reference,Payer,Amount\n"
        f"01/03/2025,no number here,Nobody,{owed(target):.2f}\n"
        f"02/03/2025,something,Nobody,{owed(other):.2f}\n"
    )
    statement_import = upload_and_match(ops_client, text)
    first, second = statement_import.lines.all()
    assert first.verdict == "no match" and first.decision == "skip"
    url = reverse("statements:line", args=[statement_import.pk, first.pk])
    response = ops_client.post(
        url,
        {f"line{first.pk}-decision": "post", f"line{first.pk}-invoice_numbers": target["InvoiceNumber"].lower()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="line-' in response.content.decode()
    first.refresh_from_db()
    assert first.decision == "post"
    assert [(p.invoice_id, p.amount) for p in first.postings.all()] == [(target["Id"], owed(target))]

    url = reverse("statements:line", args=[statement_import.pk, second.pk])
    response = ops_client.post(
        url,
        {f"line{second.pk}-decision": "post", f"line{second.pk}-invoice_numbers": "INV-99999"},
        HTTP_HX_REQUEST="true",
    )
    assert "No invoice numbered INV-99999" in response.content.decode()
    second.refresh_from_db()
    assert second.decision == "skip"


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_pasted_text_gets_a_page_never_a_500(ops_client, text):
    response = ops_client.post(reverse("statements:upload"), {"pasted": text, "currency_code": "GBP"})
    assert response.status_code in (200, 302)
