"""Bank statement CSV → typed lines: encoding, separator, column mapping, bank date and amount formats.

Pure: no database, no Nexudus. Every problem is a `StatementError` listing each bad row in words; a
statement with any bad row yields no lines at all, so nothing of a malformed file can be posted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

DateOrder = Literal["dmy", "mdy"]
MAX_ROWS = 5000
MAX_PROBLEMS_SHOWN = 50
DELIMITERS = (",", ";", "\t", "|")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janv", "januar", "ene", "gen"),
            ("feb", "february", "fev", "fevr", "februar", "febr"),
            ("mar", "march", "mars", "marz", "maerz", "mrz"),
            ("apr", "april", "avr", "abr"),
            ("may", "mai", "mei", "mag"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juil", "juli", "lug"),
            ("aug", "august", "aout", "ago"),
            ("sep", "sept", "september", "set"),
            ("oct", "october", "okt", "oktober", "ott"),
            ("nov", "november"),
            ("dec", "december", "dez", "dezember", "dic"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based line number in the file (the header is row 1)
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class StatementError(Exception):
    """The statement cannot be read as it is; `problems` says where and why (at least one)."""

    def __init__(self, problems: list[RowProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [RowProblem(row=0, message=problems)]
        self.problems = problems
        super().__init__("; ".join(str(p) if p.row else p.message for p in problems[:5]))


@dataclass(frozen=True)
class Table:
    """The statement as text cells: a header and its data rows (row numbers kept for messages)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str
    encoding: str

    @property
    def signature(self) -> str:
        return header_signature(self.header)


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (0-based index) holds what. Either `amount` (signed) or `paid_in`/`paid_out`."""

    date: int
    reference: int | None = None
    payer: int | None = None
    amount: int | None = None
    paid_in: int | None = None
    paid_out: int | None = None
    date_order: DateOrder | None = None  # None: decided from the file

    def as_dict(self) -> dict[str, int | str | None]:
        return {
            k: getattr(self, k) for k in ("date", "reference", "payer", "amount", "paid_in", "paid_out", "date_order")
        }

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMapping:
        def index(name: str) -> int | None:
            value = data.get(name)
            return int(value) if value not in (None, "") else None

        order = data.get("date_order") or None
        date_index = index("date")
        if date_index is None:
            raise StatementError("Choose the column that holds the date.")
        return cls(
            date=date_index,
            reference=index("reference"),
            payer=index("payer"),
            amount=index("amount"),
            paid_in=index("paid_in"),
            paid_out=index("paid_out"),
            date_order=order if order in ("dmy", "mdy") else None,
        )


@dataclass(frozen=True)
class StatementLine:
    row: int
    date: date
    amount: Decimal  # positive: money in (a payment received); negative: money out
    reference: str
    payer: str


@dataclass(frozen=True)
class ParsedStatement:
    lines: list[StatementLine]
    date_order: DateOrder | None
    notes: list[str] = field(default_factory=list)  # what was decided for the person, in words


# --- reading the file ----------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (a BOM is dropped) or else Windows-1252, as bank exports come."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise StatementError("The file is neither UTF-8 nor Windows-1252 text: is it a CSV export?") from None


def _rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))


def _detect_delimiter(text: str) -> str:
    """The separator giving the most columns, the same number on the header and most of the first rows."""
    sample = "\n".join(text.splitlines()[:30])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in _rows(sample, delimiter) if any(cell.strip() for cell in r)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == (0, 0):
        raise StatementError("No columns found: the first line should be a header such as Date,Amount,Reference.")
    return best


def read_table(data: bytes | str) -> Table:
    """The header and rows of a statement file (bytes) or pasted text (str)."""
    if isinstance(data, bytes):
        text, encoding = decode(data)
    else:
        text, encoding = data.lstrip("\ufeff"), "UTF-8"
    if "\x00" in text:
        raise StatementError("The file holds binary data: export the statement as CSV.")
    if not text.strip():
        raise StatementError("The statement is empty.")
    delimiter = _detect_delimiter(text)
    try:
        rows = _rows(text, delimiter)
    except csv.Error as error:
        raise StatementError(f"The CSV cannot be read: {error}.") from None
    numbered = [(n, [cell.strip() for cell in row]) for n, row in enumerate(rows, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise StatementError("The statement is empty.")
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise StatementError("The statement has a header but no rows.")
    if len(body) > MAX_ROWS:
        raise StatementError(f"The statement has {len(body)} rows; import at most {MAX_ROWS} at a time.")
    return Table(header=header, rows=body, delimiter=delimiter, encoding=encoding)


def _fold(text: str) -> str:
    """Lower case without accents or punctuation: 'Référence' -> 'reference'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def header_signature(header: list[str]) -> str:
    """Identifies a bank's export layout: the same header (ignoring case and spacing) gives the same value."""
    return hashlib.sha256("|".join(_fold(h) for h in header).encode()).hexdigest()[:32]


# --- guessing the columns --------------------------------------------------------------------------------

_GUESSES: dict[str, tuple[str, ...]] = {
    "date": (
        "transaction date",
        "booking date",
        "value date",
        "posting date",
        "date",
        "datum",
        "buchungstag",
        "valuta",
        "fecha",
        "data",
    ),
    "paid_in": (
        "paid in",
        "money in",
        "credit",
        "credits",
        "deposit",
        "deposits",
        "haben",
        "in",
        "gutschrift",
        "credit amount",
    ),
    "paid_out": (
        "paid out",
        "money out",
        "debit",
        "debits",
        "withdrawal",
        "withdrawals",
        "soll",
        "out",
        "debit amount",
        "lastschrift",
    ),
    "amount": (
        "amount",
        "value",
        "betrag",
        "montant",
        "importe",
        "transaction amount",
        "sum",
        "amount gbp",
        "amount eur",
        "amount usd",
    ),
    "reference": (
        "reference",
        "payment reference",
        "description",
        "details",
        "narrative",
        "memo",
        "verwendungszweck",
        "libelle",
        "transaction details",
        "remittance information",
        "ref",
    ),
    "payer": (
        "payer",
        "payer name",
        "name",
        "counterparty",
        "counterparty name",
        "from",
        "remitter",
        "auftraggeber",
        "beguenstigter auftraggeber",
        "sender",
        "originator",
        "other party",
    ),
}


def guess_mapping(header: list[str]) -> ColumnMapping | None:
    """A first guess from the header's names (exact names first, then names containing a known word)."""
    folded = [_fold(h) for h in header]
    chosen: dict[str, int] = {}
    for exact in (True, False):
        for role, names in _GUESSES.items():
            if role in chosen:
                continue
            for index, name in enumerate(folded):
                if index in chosen.values() or not name:
                    continue
                hit = name in names if exact else any(re.search(rf"\b{re.escape(n)}\b", name) for n in names)
                if hit:
                    chosen[role] = index
                    break
    if "date" not in chosen:
        return None
    if "paid_in" in chosen and "amount" in chosen:
        chosen.pop("amount")  # split columns win: an "Amount" beside Paid in / Paid out is usually a balance
    return ColumnMapping(
        date=chosen["date"],
        reference=chosen.get("reference"),
        payer=chosen.get("payer"),
        amount=chosen.get("amount"),
        paid_in=chosen.get("paid_in"),
        paid_out=chosen.get("paid_out"),
    )


# --- dates -----------------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:\s+[\d:]+)?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\.?[\s\-/]*([^\W\d_]{3,10})\.?[\s\-/,]*(\d{4}|\d{2})$")
_MONTH_NAME_DAY = re.compile(r"^([^\W\d_]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"there is no such date ({day:02d}/{month:02d}/{year})") from None


def _month(name: str) -> int:
    month = MONTHS.get(_fold(name))
    if month is None:
        raise ValueError(f"“{name}” is not a month name")
    return month


def numeric_date_parts(text: str) -> tuple[int, int] | None:
    """(first, second) of a dd/mm or mm/dd date written with slashes or dashes; None for other shapes."""
    match = _NUMERIC.match(text.strip())
    if match and match.group(2) != ".":
        return int(match.group(1)), int(match.group(3))
    return None


def parse_date(text: str, order: DateOrder = "dmy") -> date:
    """A bank's date: ISO, dd/mm/yyyy (or mm/dd/yyyy with order="mdy"), dd.mm.yyyy, d MMM yyyy, MMM d, yyyy,
    yyyymmdd. Raises ValueError with the reason in words."""
    value = text.strip()
    if not value:
        raise ValueError("the date is empty")
    if match := _ISO.match(value):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _COMPACT.match(value):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(value):
        first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
        if match.group(2) == "." or order == "dmy":  # dotted dates are always day first (de, fr, ch, …)
            return _make_date(year, second, first)
        return _make_date(year, first, second)
    if match := _DAY_MONTH_NAME.match(value):
        return _make_date(_year(match.group(3)), _month(match.group(2)), int(match.group(1)))
    if match := _MONTH_NAME_DAY.match(value):
        return _make_date(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
    raise ValueError(f"“{value[:40]}” is not a date format we know (e.g. 2025-03-31, 31/03/2025, 31 Mar 2025)")


def decide_date_order(values: list[str]) -> tuple[DateOrder | None, str | None]:
    """The order of a file's numeric dates: a day above 12 settles it. Returns (order, note in words)."""
    parts = [p for p in (numeric_date_parts(v) for v in values) if p is not None]
    if not parts:
        return None, None
    day_first = any(first > 12 for first, _ in parts)
    month_first = any(second > 12 for _, second in parts)
    if day_first and month_first:
        raise StatementError("The dates mix day/month and month/day orders: check the date column.")
    if month_first:
        return "mdy", "Dates read as month/day/year (a date such as 03/31 can only be month first)."
    if day_first:
        return "dmy", None
    return "dmy", (
        "Every date in this file could be day/month or month/day; they were read as day/month/year. "
        "Choose month/day/year below if your bank writes the month first."
    )


# --- amounts ---------------------------------------------------------------------------------------------

_NOISE = re.compile(r"[\s\u00a0\u202f'’£$€]|(?i:\b(?:gbp|eur|usd|chf)\b)")
_NUMBER = re.compile(r"^\d[\d.,]*$|^[.,]\d+$")


def uses_decimal_comma(values: list[str], delimiter: str) -> bool:
    """Whether a file writes 1.234,56: any amount ending in ,dd (with no later dot) says so; else the
    separator (semicolon files are continental)."""
    for value in values:
        cleaned = _NOISE.sub("", value)
        if re.search(r",\d{1,2}\)?-?$", cleaned) and "." not in cleaned.rsplit(",", 1)[-1]:
            return True
        if re.search(r"\.\d{1,2}\)?-?$", cleaned):
            return False
    return delimiter == ";"


def parse_amount(text: str, *, decimal_comma: bool = False) -> Decimal | None:
    """A bank amount as Decimal (None when blank): thousands separators, decimal comma, -12.00, 12.00-,
    (12.00), 12.00 CR / DR, currency signs. Raises ValueError with the reason in words."""
    value = text.strip()
    if not value or value in {"-", "—"}:
        return None
    sign = 1
    upper = value.upper()
    if upper.endswith(("CR", "DR")):
        sign = -1 if upper.endswith("DR") else 1
        value = value[:-2]
    value = _NOISE.sub("", value)
    if value.startswith("(") and value.endswith(")"):
        sign, value = -sign, value[1:-1]
    if value.startswith(("-", "−")):
        sign, value = -sign, value[1:]
    elif value.startswith("+"):
        value = value[1:]
    elif value.endswith("-"):
        sign, value = -sign, value[:-1]
    if not _NUMBER.match(value):
        raise ValueError(f"“{text.strip()[:30]}” is not an amount")
    decimal_mark = "," if decimal_comma else "."
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
    thousands = "." if decimal_mark == "," else ","
    whole, _, fraction = value.rpartition(decimal_mark) if decimal_mark in value else (value, "", "")
    if whole.count(decimal_mark):
        raise ValueError(f"“{text.strip()[:30]}” has more than one decimal mark")
    if thousands in whole and not re.fullmatch(r"\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+", whole):
        raise ValueError(f"“{text.strip()[:30]}” has misplaced thousands separators")
    digits = whole.replace(thousands, "") + ("." + fraction if fraction else "")
    if thousands in fraction:
        raise ValueError(f"“{text.strip()[:30]}” is not an amount")
    try:
        amount = Decimal(digits or "0")
    except InvalidOperation:
        raise ValueError(f"“{text.strip()[:30]}” is not an amount") from None
    if -amount.as_tuple().exponent > 2:  # type: ignore[operator]
        raise ValueError(f"“{text.strip()[:30]}” has more than 2 decimal places")
    return sign * amount


# --- rows → lines ----------------------------------------------------------------------------------------


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _check_mapping(table: Table, mapping: ColumnMapping) -> None:
    width = len(table.header)
    used = [
        i
        for i in (mapping.date, mapping.reference, mapping.payer, mapping.amount, mapping.paid_in, mapping.paid_out)
        if i is not None
    ]
    if any(i < 0 or i >= width for i in used):
        raise StatementError("A chosen column is not in this statement's header.")
    if len(used) != len(set(used)):
        raise StatementError("Each column can be used for one thing only.")
    if mapping.amount is None and mapping.paid_in is None:
        raise StatementError("Choose the Amount column, or the Paid in (and Paid out) columns.")
    if mapping.amount is not None and (mapping.paid_in is not None or mapping.paid_out is not None):
        raise StatementError("Choose either one signed Amount column or Paid in / Paid out columns, not both.")


def parse_statement(table: Table, mapping: ColumnMapping | None) -> ParsedStatement:
    """Every data row as a StatementLine, or StatementError listing every bad row (none are returned then).
    No mapping (nothing could be guessed from the header) is a StatementError too."""
    if mapping is None:
        raise StatementError("No column of this header looks like a date: choose the columns.")
    _check_mapping(table, mapping)
    notes: list[str] = []
    order = mapping.date_order
    if order is None:
        order, note = decide_date_order([_cell(row, mapping.date) for _, row in table.rows])
        if note:
            notes.append(note)
    money_columns = [c for c in (mapping.amount, mapping.paid_in, mapping.paid_out) if c is not None]
    decimal_comma = uses_decimal_comma([_cell(row, c) for _, row in table.rows for c in money_columns], table.delimiter)
    if decimal_comma:
        notes.append("Amounts read with a decimal comma (1.234,56).")
    lines: list[StatementLine] = []
    problems: list[RowProblem] = []
    for number, row in table.rows:
        try:
            lines.append(_line(number, row, mapping, order or "dmy", decimal_comma))
        except ValueError as error:
            problems.append(RowProblem(row=number, message=str(error)))
    if problems:
        raise StatementError(problems)
    return ParsedStatement(lines=lines, date_order=order, notes=notes)


def _line(number: int, row: list[str], mapping: ColumnMapping, order: DateOrder, decimal_comma: bool) -> StatementLine:
    if len(row) <= max(i for i in (mapping.date, mapping.amount, mapping.paid_in, mapping.paid_out) if i is not None):
        raise ValueError(f"has {len(row)} columns; the header has more")
    when = parse_date(_cell(row, mapping.date), order)
    if mapping.amount is not None:
        amount = parse_amount(_cell(row, mapping.amount), decimal_comma=decimal_comma)
        if amount is None:
            raise ValueError("the amount is empty")
    else:
        paid_in = parse_amount(_cell(row, mapping.paid_in), decimal_comma=decimal_comma)
        paid_out = parse_amount(_cell(row, mapping.paid_out), decimal_comma=decimal_comma)
        if paid_in is None and paid_out is None:
            raise ValueError("both Paid in and Paid out are empty")
        if paid_in and paid_out:
            raise ValueError("both Paid in and Paid out hold an amount")
        amount = abs(paid_in) if paid_in else -abs(paid_out or Decimal("0"))
    return StatementLine(
        row=number,
        date=when,
        amount=amount,
        reference=_cell(row, mapping.reference)[:200],
        payer=_cell(row, mapping.payer)[:200],
    )
