"""Quick find against the sandbox: each kind of input reaches the right record; several matches are
listed with their kind; nothing found says what to try; invalid input never reaches Nexudus."""

from __future__ import annotations

import re
from html import unescape

import pytest

from .helpers import INVOICES_API, LEDGER_API, TOKENS_API, invoices


def _first(upstream, path: str, **params) -> dict:
    return upstream.api("GET", path, params={"size": 1, **params}).json()["Records"][0]


def test_home_page_has_the_search_box_focused_by_slash(agent_client, upstream):
    page = agent_client.get("/").content.decode()
    assert 'action="/find/"' in page and "data-search-focus" in page
    assert "Find an invoice, payment, ledger entry or customer" in page


@pytest.mark.parametrize("typed", ["{number}", "{lower}", "  {number}  "])
def test_an_invoice_number_goes_straight_to_the_invoice(agent_client, upstream, typed):
    invoice = invoices(upstream, size=50)[41]
    text = typed.format(number=invoice["InvoiceNumber"], lower=invoice["InvoiceNumber"].lower())
    response = agent_client.get("/find/", {"q": text})
    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice['Id']}/"


def test_part_of_an_invoice_number_lists_the_candidates_with_their_kind(agent_client, upstream):
    number = invoices(upstream, size=50)[41]["InvoiceNumber"]  # e.g. INV-00042
    partial = number[:-1].lower()  # "inv-0004": INV-00040 … INV-00049
    response = agent_client.get("/find/", {"q": partial})
    page = response.content.decode()
    assert response.status_code == 200
    expected = [r for r in invoices(upstream, CoworkerInvoice_InvoiceNumber=partial)]
    assert len(expected) > 1
    for record in expected:
        assert f'href="/invoices/{record["Id"]}/"' in page
    assert page.count('class="candidate-kind">Invoice<') == len(expected)


def test_an_invoice_id_goes_to_the_invoice(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    response = agent_client.get("/find/", {"q": str(invoice["Id"])})
    assert (response.status_code, response["Location"]) == (302, f"/invoices/{invoice['Id']}/")


def test_a_ledger_entry_id_goes_to_the_entry(agent_client, upstream):
    entry = _first(upstream, LEDGER_API)
    response = agent_client.get("/find/", {"q": f"#{entry['Id']}"})
    assert (response.status_code, response["Location"]) == (302, f"/ledger-entries/{entry['Id']}/")


def test_a_payment_token_id_goes_to_the_token(agent_client, upstream):
    token = _first(upstream, TOKENS_API)
    response = agent_client.get("/find/", {"q": str(token["Id"])})
    assert (response.status_code, response["Location"]) == (302, f"/payment-tokens/{token['Id']}/")


def test_the_last_4_characters_of_a_token_go_to_the_token(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    created = upstream.api(
        "POST",
        TOKENS_API,
        json={
            "CoworkerInvoiceId": invoice["Id"],
            "RegularPaymentProvider": 2,
            "Token": "pm_quickfind_Zq9X",
            "Notes": "",
        },
    ).json()["Value"]
    for typed in ("Zq9X", "zq9x", "••••Zq9X"):
        response = agent_client.get("/find/", {"q": typed})
        assert (response.status_code, response["Location"]) == (302, f"/payment-tokens/{created['Id']}/"), typed


def test_the_last_4_characters_must_be_the_end_of_the_token(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    upstream.api("POST", TOKENS_API, json={"CoworkerInvoiceId": invoice["Id"], "Token": "Yy7Wpm_middle"})
    response = agent_client.get("/find/", {"q": "Yy7W"})
    assert response.status_code == 200 and "Nothing found" in response.content.decode()


def test_several_tokens_ending_alike_are_listed_masked(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    created = [
        upstream.api("POST", TOKENS_API, json={"CoworkerInvoiceId": invoice["Id"], "Token": token}).json()
        for token in ("tok_first_Kk3J", "tok_second_Kk3J")
    ]
    ids = [answer["Value"]["Id"] for answer in created]
    response = agent_client.get("/find/", {"q": "Kk3J"})
    page = response.content.decode()
    assert response.status_code == 200
    assert all(f'href="/payment-tokens/{i}/"' in page for i in ids)
    assert "tok_first" not in page and "Payment token" in page


def test_nothing_found_says_what_to_try(agent_client, upstream):
    response = agent_client.get("/find/", {"q": "no-such-thing"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing found for “no-such-thing”" in page and "last 4 characters" in page


@pytest.mark.parametrize(
    "typed",
    ["x" * 101, "INV\x00-1", "INV\u200b-00042", "ab\ncd", "\u202eINV"],
)
def test_invalid_input_is_refused_without_asking_nexudus(agent_client, upstream, typed):
    upstream.reset_counters()
    response = agent_client.get("/find/", {"q": typed})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert upstream.counters()["total"] == 0


def test_an_empty_box_shows_the_form_without_asking_nexudus(agent_client, upstream):
    upstream.reset_counters()
    for query in ({}, {"q": "   "}):
        response = agent_client.get("/find/", query)
        assert response.status_code == 200 and "field-error" not in response.content.decode()
    assert upstream.counters()["total"] == 0


def test_numbers_too_big_for_an_id_are_only_searched_as_invoice_numbers(agent_client, upstream):
    upstream.reset_counters()
    agent_client.get("/find/", {"q": str(2**31)})
    assert set(upstream.counters()["by_endpoint"]) == {f"GET {INVOICES_API}"}


def test_a_failed_search_is_reported_and_stops_the_jump(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    upstream.fault("status", count=20, status=500, path=LEDGER_API)
    response = agent_client.get("/find/", {"q": str(invoice["Id"])})
    page = response.content.decode()
    assert response.status_code == 200
    assert "upstream-problem" in page and f'href="/invoices/{invoice["Id"]}/"' in page


def test_an_exact_invoice_number_wins_over_longer_numbers_containing_it():
    import dataclasses

    from dashboard.invoices.find import find_records
    from dashboard.nexudus.records import Page

    from .test_concurrency import an_invoice

    class Numbers:
        def search_invoices(self, query):
            found = [
                dataclasses.replace(an_invoice(1), invoice_number="INV-000420"),
                dataclasses.replace(an_invoice(2), invoice_number="INV-00042"),
            ]
            return Page(items=found, page=1, size=20, total_items=2, total_pages=1, has_next=False, has_previous=False)

    result = find_records(client=Numbers(), text="inv-00042")
    assert [c.id for c in result.candidates] == [2] and result.only is not None
    assert [c.id for c in find_records(client=Numbers(), text="INV-0004").candidates] == [1, 2]


@pytest.mark.parametrize(
    ("text", "record_id", "number", "last"),
    [
        ("300042", 300042, "300042", None),
        ("#42", 42, "#42", None),
        ("4242", 4242, "4242", "4242"),
        ("0", None, None, None),
        (str(2**31), None, str(2**31), None),
        ("ab", None, None, None),
        ("****a1B2", None, "****a1B2", "a1B2"),
        ("INV-00042", None, "INV-00042", None),
    ],
)
def test_what_each_input_is_searched_as(text, record_id, number, last):
    from dashboard.invoices.find import plan

    wanted = plan(text)
    assert (wanted.record_id, wanted.number, wanted.last_chars) == (record_id, number, last)


COWORKERS_API = "/api/spaces/coworkers"


def _invoice_numbered(upstream, number: str) -> dict:
    return invoices(upstream, CoworkerInvoice_InvoiceNumber=number)[0]


@pytest.mark.parametrize("typed", ["inv-1963", "INV1963", " inv 1963 "])
def test_an_invoice_number_without_its_zeros_goes_to_the_invoice(agent_client, upstream, typed):
    invoice = _invoice_numbered(upstream, "INV-01963")
    response = agent_client.get("/find/", {"q": typed})
    assert (response.status_code, response.get("Location")) == (302, f"/invoices/{invoice['Id']}/"), typed


def test_digits_alone_are_an_exact_invoice_number_too(agent_client, upstream):
    invoice = _invoice_numbered(upstream, "INV-01963")
    response = agent_client.get("/find/", {"q": "1963"})
    if response.status_code == 302:
        assert response["Location"] == f"/invoices/{invoice['Id']}/"
        return
    # Also an id or a token's last 4: INV-01963 is the one invoice listed, as an exact number.
    page = response.content.decode()
    assert re.findall(r'<a href="/invoices/(\d+)/">INV-', page) == [str(invoice["Id"])]
    assert "Matched: Invoice number<" in page


def test_typed_zeros_are_part_of_the_number_and_many_matches_come_in_pages(agent_client, upstream):
    expected = {r["Id"] for r in invoices(upstream, CoworkerInvoice_InvoiceNumber="INV-019")}
    assert len(expected) > 20
    seen: set[int] = set()
    url, params = "/find/", {"q": "INV-019"}
    for _ in range(20):
        page = agent_client.get(url, params).content.decode()
        seen |= {int(i) for i in re.findall(r'href="/invoices/(\d+)/"', page)}
        nxt = re.search(r'href="([^"]+)" rel="next"', page)
        if not nxt:
            break
        url, params = unescape(nxt.group(1)), None
    assert seen == expected
    assert "Invoices page 1 of" in agent_client.get("/find/", {"q": "INV-019"}).content.decode()


def test_a_customer_is_found_by_name_and_by_email_with_the_facts_that_tell_them_apart(agent_client, upstream):
    coworker = upstream.api("GET", COWORKERS_API, params={"size": 1}).json()["Records"][0]
    for typed in (coworker["FullName"].lower(), coworker["Email"].upper()):
        response = agent_client.get("/find/", {"q": typed})
        if response.status_code == 302:  # the only match: straight to their page
            assert response["Location"] == f"/customers/{coworker['Id']}/ledger/", typed
            continue
        page = response.content.decode()
        assert f'href="/customers/{coworker["Id"]}/ledger/"' in page, typed
        assert coworker["Email"] in page and re.search(r">Customers? <small>", page), typed


def test_part_of_a_name_lists_customers_and_businesses_grouped_by_kind(agent_client, upstream):
    response = agent_client.get("/find/", {"q": "canal works"})
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<h3[^>]*>Business(es)? <small>", page)
    assert 'href="/ledger-entries/?business=' in page


def test_numbers_are_not_searched_as_names(agent_client, upstream):
    upstream.reset_counters()
    agent_client.get("/find/", {"q": "inv-1963"})
    assert f"GET {COWORKERS_API}" not in upstream.counters()["by_endpoint"]
