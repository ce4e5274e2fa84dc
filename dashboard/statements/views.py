"""Pages of the statement import: upload → columns → review → post → progress → results (and its CSV)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboard.accounts.session import nexudus_client
from dashboard.core.htmx import vary_on_htmx, wants_fragment
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError

from .forms import ColumnMappingForm, LineDecisionForm, StatementUploadForm
from .models import StatementImport, StatementLine
from .parsing import MAX_PROBLEMS_SHOWN, StatementError
from .selectors import import_progress
from .services import (
    mapping_initial,
    statement_import_create,
    statement_import_match,
    statement_import_queue,
    statement_import_resume,
    statement_line_decide,
)
from .tables import ImportResultTable

Status = StatementImport.Status


def _own_import(request: HttpRequest, import_id: int) -> StatementImport:
    return get_object_or_404(StatementImport, pk=import_id, user_id=request.user.pk or 0)


def _next_step(statement_import: StatementImport) -> HttpResponse:
    steps: dict[str, str] = {Status.MAPPING: "mapping", Status.REVIEW: "review"}
    name = steps.get(statement_import.status, "progress")
    return redirect(f"statements:{name}", statement_import.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def statement_upload_view(request: HttpRequest) -> HttpResponse:
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        data, name = form.statement_data()
        try:
            statement_import = statement_import_create(
                user=request.user,
                data=data,
                file_name=name,
                currency_code=form.cleaned_data["currency_code"],
                create_tokens=form.cleaned_data["create_tokens"],
            )
        except StatementError as error:
            problems = error.problems
        else:
            return redirect("statements:mapping", statement_import.pk)
    imports = StatementImport.objects.filter(user_id=request.user.pk or 0)[:20]
    return render(request, "statements/upload.html", {"form": form, "problems": problems, "imports": imports})


@never_cache
@require_http_methods(["GET", "POST"])
def statement_mapping_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    if statement_import.status not in (Status.MAPPING, Status.REVIEW):
        return _next_step(statement_import)
    header = list(statement_import.header)
    initial, remembered = mapping_initial(statement_import=statement_import)
    form = ColumnMappingForm(request.POST or None, header=header, initial=ColumnMappingForm.initial_from(initial))
    problems: list = []
    upstream_problem = ""
    if request.method == "POST" and form.is_valid() and (mapping := form.mapping()) is not None:
        try:
            statement_import_match(client=nexudus_client(request), statement_import=statement_import, mapping=mapping)
        except StatementError as error:
            problems = error.problems
        except NexudusAuthExpired:
            raise
        except NexudusError as error:
            upstream_problem = f"Nexudus could not be read to match the lines: {error.message}"
        else:
            return redirect("statements:review", statement_import.pk)
    preview = [row for _, row in statement_import.rows[:5]]
    return render(
        request,
        "statements/mapping.html",
        {
            "statement_import": statement_import,
            "form": form,
            "remembered": remembered,
            "preview": preview,
            "header": header,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "more_problems": len(problems) > MAX_PROBLEMS_SHOWN,
            "problem_count": len(problems),
            "upstream_problem": upstream_problem,
        },
    )


def _line_context(line: StatementLine, form: LineDecisionForm | None = None, problem: str = "") -> dict:
    if form is None:
        form = LineDecisionForm(
            initial={"decision": line.decision, "invoice_numbers": line.chosen_invoices},
            candidates=line.candidates,
            prefix=f"line{line.pk}",
        )
    return {"line": line, "form": form, "problem": problem, "postings": list(line.postings.all())}


@never_cache
@require_GET
def statement_review_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    if statement_import.status != Status.REVIEW:
        return _next_step(statement_import)
    lines = statement_import.lines.prefetch_related("postings")
    rows = [_line_context(line) for line in lines]
    to_post = sum(1 for line in lines if line.decision == StatementLine.Decision.POST)
    verdicts: dict[str, int] = {}
    for line in lines:
        verdicts[line.verdict] = verdicts.get(line.verdict, 0) + 1
    return render(
        request,
        "statements/review.html",
        {
            "statement_import": statement_import,
            "rows": rows,
            "to_post": to_post,
            "verdicts": sorted(verdicts.items()),
        },
    )


@never_cache
@require_POST
@vary_on_htmx
def statement_line_view(request: HttpRequest, import_id: int, line_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    line = get_object_or_404(StatementLine, pk=line_id, statement_import=statement_import)
    form = LineDecisionForm(request.POST, candidates=line.candidates, prefix=f"line{line.pk}")
    problem = ""
    if form.is_valid():
        try:
            statement_line_decide(
                client=nexudus_client(request),
                line=line,
                decision=form.cleaned_data["decision"],
                invoice_numbers=form.cleaned_data["invoice_numbers"],
                candidate_id=form.cleaned_data["candidate"],
            )
        except StatementError as error:
            problem = str(error)
        except NexudusAuthExpired:
            raise
        except NexudusError as error:
            problem = f"Nexudus could not be read: {error.message}"
        line.refresh_from_db()
    else:
        problem = "Choose Post or Skip."
    if not wants_fragment(request):
        return redirect("statements:review", statement_import.pk)
    context = _line_context(line, problem=problem)
    if problem:
        context["form"] = form
    return render(request, "statements/review.html#line", context)


@require_POST
def statement_post_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    if statement_import.status == Status.REVIEW:
        statement_import_queue(statement_import=statement_import)
    return redirect("statements:progress", statement_import.pk)


@require_POST
def statement_resume_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import_resume(statement_import=_own_import(request, import_id))
    return redirect("statements:progress", import_id)


@never_cache
@require_GET
@vary_on_htmx
def statement_progress_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    if statement_import.status in (Status.MAPPING, Status.REVIEW):
        return _next_step(statement_import)
    context = {"statement_import": statement_import, "progress": import_progress(statement_import=statement_import)}
    template = "statements/progress.html#progress" if wants_fragment(request) else "statements/progress.html"
    return render(request, template, context)


@never_cache
@require_GET
def statement_results_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    table = ImportResultTable(statement_import.lines.prefetch_related("postings"))
    return render(
        request,
        "statements/results.html",
        {
            "statement_import": statement_import,
            "table": table,
            "progress": import_progress(statement_import=statement_import),
        },
    )


@never_cache
@require_GET
def statement_results_csv_view(request: HttpRequest, import_id: int) -> HttpResponse:
    statement_import = _own_import(request, import_id)
    table = ImportResultTable(statement_import.lines.prefetch_related("postings"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-import-{statement_import.pk}.csv"'
    writer = csv.writer(response)
    for row in table.as_values():
        # A leading =, +, - or @ would be a formula in a spreadsheet: bank references are not trusted text.
        writer.writerow([f"'{cell}" if str(cell)[:1] in "=+-@" and not _is_number(cell) else cell for cell in row])
    return response


def _is_number(value) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True
