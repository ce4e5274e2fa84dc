"""Statement shapes banks export (encodings, separators, date formats, signed vs split amounts), bad rows
reported one by one, and properties: parsing anything raises nothing but StatementError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.statements.parsing import (
    ColumnMapping,
    StatementError,
    guess_mapping,
    header_signature,
    parse_amount,
    parse_date,
    parse_statement,
    read_table,
)


def lines_of(data: bytes | str, mapping: ColumnMapping | None = None):
    table = read_table(data)
    parsed = parse_statement(table, mapping or guess_mapping(table.header))
    return parsed, [(line.date, line.amount, line.reference, line.payer) for line in parsed.lines]


CORPUS = [
    pytest.param(  # UK bank, UTF-8 with BOM, comma, dd/mm/yyyy, one signed column
        "\ufeffDate,Description,Payer,Amount\r\n31/03/2025,INV-01963,Harry Ahmed,168.00\r\n"
        "01/04/2025,Rent,Landlord,-50.00\r\n".encode(),
        [
            (date(2025, 3, 31), Decimal("168.00"), "INV-01963", "Harry Ahmed"),
            (date(2025, 4, 1), Decimal("-50.00"), "Rent", "Landlord"),
        ],
        id="uk-utf8-bom-signed",
    ),
    pytest.param(  # German bank, Windows-1252, semicolon, dd.mm.yyyy, decimal comma, thousands dot
        "Buchungstag;Verwendungszweck;Auftraggeber;Betrag\n"
        "03.02.2025;Rechnung 1963 Müller;Jörg Müller;1.234,56\n".encode("cp1252"),
        [(date(2025, 2, 3), Decimal("1234.56"), "Rechnung 1963 Müller", "Jörg Müller")],
        id="de-cp1252-semicolon-decimal-comma",
    ),
    pytest.param(  # split paid in / paid out columns, ISO dates, a balance column ignored
        b'Transaction Date,Transaction Details,Paid in,Paid out,Balance\n2025-03-02,inv 00042,"1,250.00",,9000\n'
        b"2025-03-03,Card,,12.50,8987.50\n",
        [(date(2025, 3, 2), Decimal("1250.00"), "inv 00042", ""), (date(2025, 3, 3), Decimal("-12.50"), "Card", "")],
        id="split-columns",
    ),
    pytest.param(  # US bank, month first (a day above 12 settles it), d MMM dates elsewhere
        b"Date,Memo,Name,Amount\n03/31/2025,Invoice 7,Acme LLC,$99.99\n04/01/2025,x,y,(5.00)\n",
        [
            (date(2025, 3, 31), Decimal("99.99"), "Invoice 7", "Acme LLC"),
            (date(2025, 4, 1), Decimal("-5.00"), "x", "y"),
        ],
        id="us-month-first-parentheses",
    ),
    pytest.param(  # month names and CR/DR markers, tab separated
        b"Date\tReference\tAmount\n3 Mar 2025\tINV-3\t10.00 CR\n4-Mar-25\tfee\t2.00 DR\n",
        [(date(2025, 3, 3), Decimal("10.00"), "INV-3", ""), (date(2025, 3, 4), Decimal("-2.00"), "fee", "")],
        id="month-names-cr-dr-tabs",
    ),
]


@pytest.mark.parametrize(("data", "expected"), CORPUS)
def test_statement_shapes_are_read(data, expected):
    _, got = lines_of(data)
    assert got == expected


def test_ambiguous_day_month_is_read_day_first_and_said():
    parsed, got = lines_of(b"Date,Reference,Amount\n01/02/2025,a,1.00\n03/04/2025,b,2.00\n")
    assert [g[0] for g in got] == [date(2025, 2, 1), date(2025, 4, 3)]
    assert parsed.date_order == "dmy" and "day/month" in parsed.notes[0]


def test_the_person_can_say_month_first():
    table = read_table(b"Date,Reference,Amount\n01/02/2025,a,1.00\n")
    mapping = ColumnMapping(date=0, reference=1, amount=2, date_order="mdy")
    assert parse_statement(table, mapping).lines[0].date == date(2025, 1, 2)


def test_mixed_day_and_month_orders_are_refused():
    with pytest.raises(StatementError, match="mix"):
        lines_of(b"Date,Amount\n31/01/2025,1.00\n01/31/2025,2.00\n")


def test_a_malformed_file_lists_every_bad_row_and_yields_no_lines():
    data = b"Date,Reference,Amount\n2025-03-01,ok,1.00\n2025-02-30,bad date,1.00\nyesterday,x,2\n2025-03-02,x,abc\n"
    with pytest.raises(StatementError) as raised:
        lines_of(data)
    rows = [(p.row, p.message) for p in raised.value.problems]
    assert [row for row, _ in rows] == [3, 4, 5]
    assert "no such date" in rows[0][1] and "not a date" in rows[1][1] and "not an amount" in rows[2][1]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"Date,Amount\n", "no rows"),
        (b"\x00\x01\x02binary", "binary"),
        (b"Date,Amount\n2025-01-01,1.001\n", "2 decimal places"),
        (b"Date,Paid in,Paid out\n2025-01-01,1.00,2.00\n", "both Paid in and Paid out"),
    ],
)
def test_unreadable_statements_say_why(data, message):
    with pytest.raises(StatementError, match=message):
        lines_of(data)


def test_header_signature_ignores_case_and_spacing():
    assert header_signature(["Date", "Amount"]) == header_signature([" date ", "AMOUNT"])
    assert header_signature(["Date", "Amount"]) != header_signature(["Date", "Betrag"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("-12.00", "-12.00"),
        ("12.00-", "-12.00"),
        ("(12.00)", "-12.00"),
        ("£1,000.00", "1000.00"),
        ("1 234,56", "1234.56"),
        ("+5", "5"),
        ("€ 7,5", "7.5"),
    ],
)
def test_amount_formats(text, expected):
    assert parse_amount(text, decimal_comma="," in text and "." not in text) == Decimal(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("31.03.2025", date(2025, 3, 31)),
        ("31 March 2025", date(2025, 3, 31)),
        ("Mar 31, 2025", date(2025, 3, 31)),
        ("20250331", date(2025, 3, 31)),
        ("31/03/25", date(2025, 3, 31)),
        ("2025-03-31T10:00:00Z", date(2025, 3, 31)),
        ("31 mars 2025", date(2025, 3, 31)),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_lines_or_statement_error(data):
    try:
        lines_of(data)
    except StatementError as error:
        assert error.problems and all(p.message for p in error.problems)


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1.234,56", "-5", "(3.00)", "31/12/2025", "2025-13-01", "", "1,2,3", "CR", "0", "12.00-"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8), st.sampled_from([",", ";"]))
def test_any_table_gives_lines_or_statement_error(rows, delimiter):
    text = "Date,Reference,Amount\n".replace(",", delimiter) + "\n".join(delimiter.join(r) for r in rows)
    try:
        parsed, _ = lines_of(text)
    except StatementError:
        return
    assert all(isinstance(line.amount, Decimal) for line in parsed.lines)
