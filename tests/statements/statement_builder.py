"""A bank statement built from the sandbox's own unpaid invoices, with lines of every verdict."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class BuiltStatement:
    csv_text: str
    expected: dict[int, str] = field(default_factory=dict)  # row number -> verdict
    # row -> [(invoice id, amount)] the line should pay when posted as matched
    payments: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)


def unpaid_invoices(sandbox) -> list[dict]:
    response = sandbox.api(
        "GET", "/api/billing/coworkerinvoices", params={"size": 1000, "CoworkerInvoice_Paid": "false"}
    )
    response.raise_for_status()
    return [r for r in response.json()["Records"] if not r["Draft"] and not r["Void"] and r["CurrencyCode"] == "GBP"]


def paid_invoices(sandbox, count: int) -> list[dict]:
    response = sandbox.api("GET", "/api/billing/coworkerinvoices", params={"size": 200, "CoworkerInvoice_Paid": "true"})
    response.raise_for_status()
    return [r for r in response.json()["Records"] if r["CurrencyCode"] == "GBP"][:count]


def owed(invoice: dict) -> Decimal:
    return (Decimal(str(invoice["TotalAmount"])) - Decimal(str(invoice["PaidAmount"]))).quantize(Decimal("0.01"))


def build_statement(sandbox, *, lines: int = 300) -> BuiltStatement:
    """`lines` rows: mostly invoice numbers in many spellings, some by amount + name, one paying two invoices,
    part payments, overpayments, already paid, no match and money out."""
    invoices = unpaid_invoices(sandbox)
    amounts: dict[Decimal, int] = {}
    for invoice in invoices:
        amounts[owed(invoice)] = amounts.get(owed(invoice), 0) + 1
    unique = [i for i in invoices if amounts[owed(i)] == 1 and owed(i) > 0]
    by_number = [i for i in invoices if owed(i) > 0]
    paid = paid_invoices(sandbox, 10)
    rows: list[list[str]] = []
    built = BuiltStatement(csv_text="")
    used: set[int] = set()

    def add(reference: str, payer: str, amount: Decimal, verdict: str, pays: list[tuple[int, Decimal]] | None = None):
        row_number = len(rows) + 2
        day = 1 + len(rows) % 28
        rows.append([f"{day:02d}/03/2025", reference, payer, f"{amount:.2f}"])
        built.expected[row_number] = verdict
        if pays is not None:
            built.payments[row_number] = pays

    spellings = ("{n}", "{n_lower}", "Invoice {digits}", "payment inv{digits} thanks", "REF {n} {name}")
    # amount + name (no number): invoices whose outstanding amount is unique
    for invoice in unique[:20]:
        used.add(invoice["Id"])
        add(
            "BANK TRANSFER",
            invoice["CoworkerFullName"].upper(),
            owed(invoice),
            "matched",
            [(invoice["Id"], owed(invoice))],
        )
    # one transfer paying two invoices of the same customer
    per_customer: dict[int, list[dict]] = {}
    for invoice in by_number:
        if invoice["Id"] not in used:
            per_customer.setdefault(invoice["CoworkerId"], []).append(invoice)
    two = next(items for items in per_customer.values() if len(items) >= 2)[:2]
    used.update(i["Id"] for i in two)
    add(
        f"{two[0]['InvoiceNumber']} {two[1]['InvoiceNumber']}",
        "",
        owed(two[0]) + owed(two[1]),
        "matched",
        [(two[0]["Id"], owed(two[0])), (two[1]["Id"], owed(two[1]))],
    )
    rest = [i for i in by_number if i["Id"] not in used]
    for index, invoice in enumerate(rest):
        if len(rows) >= lines - 25:
            break
        used.add(invoice["Id"])
        number = invoice["InvoiceNumber"]
        digits = str(int(number.split("-")[-1]))
        reference = spellings[index % len(spellings)].format(
            n=number, n_lower=number.lower(), digits=digits, name=invoice["CoworkerFullName"]
        )
        if index % 10 == 3:  # part payment
            part = (owed(invoice) / 2).quantize(Decimal("0.01"))
            add(reference, invoice["CoworkerFullName"], part, "matched", [(invoice["Id"], part)])
        elif index % 10 == 7:  # overpaid
            add(reference, invoice["CoworkerFullName"], owed(invoice) + Decimal("10.00"), "overpaid")
        else:
            add(reference, invoice["CoworkerFullName"], owed(invoice), "matched", [(invoice["Id"], owed(invoice))])
    for invoice in paid[:5]:
        add(f"Payment {invoice['InvoiceNumber']}", invoice["CoworkerFullName"], Decimal("50.00"), "already paid")
    while len(rows) < lines - 5:
        add("CARD REFUND XYZ", "Nobody Known", Decimal("1234.57") + len(rows), "no match")
    while len(rows) < lines:
        add("Rent", "Landlord Ltd", Decimal(f"-{len(rows)}.00"), "not a payment")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Date", "Reference", "Payer", "Amount"])
    writer.writerows(rows)
    built.csv_text = buffer.getvalue()
    return built
