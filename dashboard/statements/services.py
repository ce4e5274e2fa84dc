"""Writes for statement imports: reading the file, applying a column mapping and matching, the person's
decisions, queueing for the worker. Posting itself (the Nexudus writes) is in posting.py."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import InvoiceQuery
from dashboard.nexudus.records import Invoice

from .matching import Allocation, InvoiceBook, Match, Verdict, allocate, fold, match_line, number_key, outstanding
from .models import Posting, RememberedMapping, StatementImport, StatementLine
from .parsing import ColumnMapping, ParsedStatement, StatementError, Table, guess_mapping, parse_statement, read_table
from .selectors import earlier_fingerprints, invoice_book


def line_fingerprint(*, date, amount: Decimal, reference: str) -> str:
    """Same date, amount and reference: the same bank line (how a second import of a statement is known)."""
    return hashlib.sha256(f"{date.isoformat()}|{amount:.2f}|{fold(reference)}".encode()).hexdigest()[:40]


def statement_import_create(
    *, user, data: bytes | str, file_name: str = "", currency_code: str = "", create_tokens: bool = False
) -> StatementImport:
    """Read the file (raises StatementError) and keep it as text cells for the mapping step."""
    table = read_table(data)
    return StatementImport.objects.create(
        user=user,
        file_name=file_name[:200],
        encoding=table.encoding,
        header=table.header,
        rows=[[number, row] for number, row in table.rows],
        delimiter=table.delimiter,
        header_signature=table.signature,
        currency_code=currency_code,
        create_tokens=create_tokens,
    )


def import_table(statement_import: StatementImport) -> Table:
    return Table(
        header=list(statement_import.header),
        rows=[(int(n), list(r)) for n, r in statement_import.rows],
        delimiter=statement_import.delimiter,
        encoding=statement_import.encoding,
    )


def mapping_initial(*, statement_import: StatementImport) -> tuple[ColumnMapping | None, bool]:
    """(mapping, remembered): the person's own mapping for this header if they chose one before, else a guess."""
    remembered = RememberedMapping.objects.filter(
        user_id=statement_import.user_id, header_signature=statement_import.header_signature
    ).first()
    if remembered is not None:
        try:
            return ColumnMapping.from_dict(remembered.mapping), True
        except (StatementError, TypeError, ValueError):
            pass
    return guess_mapping(list(statement_import.header)), False


def _candidate_json(invoice: Invoice) -> dict:
    return {
        "id": invoice.id,
        "number": invoice.invoice_number or "",
        "customer": invoice.coworker_full_name or "",
        "owed": f"{outstanding(invoice):.2f}",
        "total": f"{invoice.total_amount:.2f}",
        "currency": invoice.currency_code or "",
        "paid": invoice.paid,
    }


def _postings(line: StatementLine, allocations: tuple[Allocation, ...], create_tokens: bool) -> list[Posting]:
    return [
        Posting(
            line=line,
            seq=seq,
            coworker_id=a.coworker_id,
            business_id=a.business_id,
            invoice_id=a.invoice.id if a.invoice else None,
            invoice_number=(a.invoice.invoice_number or "") if a.invoice else "",
            customer_name=(a.invoice.coworker_full_name or "") if a.invoice else "",
            currency_code=(a.invoice.currency_code or "") if a.invoice else "",
            amount=a.amount,
            token_state=Posting.State.WAITING if create_tokens and a.invoice else "",
        )
        for seq, a in enumerate(allocations, start=1)
    ]


def _apply_match(line: StatementLine, match: Match, create_tokens: bool, *, decision: str | None = None) -> None:
    line.verdict = match.verdict.value
    line.explanation = match.explanation[:500]
    line.candidates = [_candidate_json(i) for i in match.candidates]
    if decision is None:
        decision = StatementLine.Decision.POST if match.verdict.accepted_by_default else StatementLine.Decision.SKIP
    line.decision = decision if match.allocations else StatementLine.Decision.SKIP
    line.save()
    line.postings.all().delete()
    Posting.objects.bulk_create(_postings(line, match.allocations, create_tokens))


def statement_import_match(
    *, client: NexudusClient, statement_import: StatementImport, mapping: ColumnMapping
) -> ParsedStatement:
    """Parse with `mapping` (StatementError lists every bad row; nothing is kept then), remember the mapping
    for this person and header, and give every line its verdict against Nexudus's unpaid invoices."""
    parsed = parse_statement(import_table(statement_import), mapping)
    book = invoice_book(client=client, references=[line.reference for line in parsed.lines])
    fingerprints = [line_fingerprint(date=ln.date, amount=ln.amount, reference=ln.reference) for ln in parsed.lines]
    recorded = earlier_fingerprints(fingerprints=fingerprints, excluding_import=statement_import.pk)
    with transaction.atomic():
        RememberedMapping.objects.update_or_create(
            user_id=statement_import.user_id,
            header_signature=statement_import.header_signature,
            defaults={"mapping": mapping.as_dict()},
        )
        statement_import.lines.all().delete()
        for parsed_line, fingerprint in zip(parsed.lines, fingerprints, strict=True):
            line = StatementLine(
                statement_import=statement_import,
                row=parsed_line.row,
                date=parsed_line.date,
                amount=parsed_line.amount,
                reference=parsed_line.reference,
                payer=parsed_line.payer,
                fingerprint=fingerprint,
            )
            if fingerprint in recorded:
                match = Match(
                    Verdict.ALREADY_RECORDED,
                    "Already posted by an earlier import of this statement (same date, amount and reference).",
                )
            else:
                match = match_line(
                    amount=parsed_line.amount,
                    reference=parsed_line.reference,
                    payer=parsed_line.payer,
                    book=book,
                    currency_code=statement_import.currency_code or None,
                )
            _apply_match(line, match, statement_import.create_tokens)
        statement_import.mapping = mapping.as_dict()
        statement_import.notes = parsed.notes
        statement_import.status = StatementImport.Status.REVIEW
        statement_import.save(update_fields=["mapping", "notes", "status"])
    return parsed


def _invoices_named(client: NexudusClient, numbers: str) -> list[Invoice]:
    """The invoices the person typed (numbers separated by commas or spaces), read fresh from Nexudus."""
    found: list[Invoice] = []
    for word in [w for w in numbers.replace(",", " ").split() if w]:
        key = number_key(word)
        if key is None:
            raise StatementError(f"“{word}” is not an invoice number.")
        page = client.search_invoices(InvoiceQuery(invoice_number=str(key[1]), size=50))
        hits = [
            i
            for i in page.items
            if (k := number_key(i.invoice_number)) and k[1] == key[1] and (not key[0] or k[0] == key[0])
        ]
        if not hits:
            raise StatementError(f"No invoice numbered {word} in Nexudus.")
        found.extend(h for h in hits[:1] if h not in found)
    return found


def statement_line_decide(
    *,
    client: NexudusClient,
    line: StatementLine,
    decision: str,
    invoice_numbers: str = "",
    candidate_id: int | None = None,
) -> None:
    """The person's change: skip, post as matched, or pay the invoice(s) they name or pick instead."""
    statement_import = line.statement_import
    if statement_import.status != StatementImport.Status.REVIEW:
        raise StatementError("This import is already being posted: its lines can no longer change.")
    if decision == StatementLine.Decision.SKIP:
        line.decision = StatementLine.Decision.SKIP
        line.save(update_fields=["decision"])
        return
    invoices: list[Invoice] = []
    if candidate_id is not None:
        invoices = [client.get_invoice(candidate_id)]
    elif invoice_numbers.strip():
        invoices = _invoices_named(client, invoice_numbers)
    if invoices:
        match = (
            allocate(line.amount, invoices)
            if line.amount > 0
            else match_line(amount=line.amount, reference="", payer="", book=InvoiceBook())
        )
        line.chosen_invoices = " ".join(i.invoice_number or str(i.id) for i in invoices)[:200]
        _apply_match(line, match, statement_import.create_tokens, decision=StatementLine.Decision.POST)
        if not match.allocations:
            raise StatementError(match.explanation)
        return
    if not line.postings.exists():
        raise StatementError("Name the invoice this payment is for (or pick one of the candidates) to post it.")
    line.decision = StatementLine.Decision.POST
    line.save(update_fields=["decision"])


def statement_import_queue(*, statement_import: StatementImport) -> int:
    """Freeze the decisions and hand the import to the worker. Returns how many lines will be posted."""
    from .tasks import post_statement_import  # the task module imports posting, which imports this one

    with transaction.atomic():
        locked = StatementImport.objects.select_for_update().get(pk=statement_import.pk)
        if locked.status != StatementImport.Status.REVIEW:
            return locked.lines.filter(decision=StatementLine.Decision.POST).count()
        lines = locked.lines.all()
        lines.filter(decision=StatementLine.Decision.POST).update(state=StatementLine.State.WAITING)
        lines.exclude(decision=StatementLine.Decision.POST).update(state=StatementLine.State.SKIPPED)
        count = lines.filter(decision=StatementLine.Decision.POST).count()
        locked.status = StatementImport.Status.QUEUED if count else StatementImport.Status.DONE
        locked.posting_started_at = timezone.now()
        locked.finished_at = None if count else timezone.now()
        locked.save(update_fields=["status", "posting_started_at", "finished_at"])
        if count:
            transaction.on_commit(lambda: post_statement_import.enqueue(locked.pk))
    statement_import.refresh_from_db()
    return count


def statement_import_resume(*, statement_import: StatementImport) -> bool:
    """Put a paused import back on the queue (after the person signed in again)."""
    from .tasks import post_statement_import

    updated = StatementImport.objects.filter(pk=statement_import.pk, status=StatementImport.Status.PAUSED).update(
        status=StatementImport.Status.QUEUED, pause_reason=""
    )
    if updated:
        transaction.on_commit(lambda: post_statement_import.enqueue(statement_import.pk))
    return bool(updated)
