"""`/audit/`: the audit trail as a table; administrators see everyone's records, others their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from dashboard.core.htmx import vary_on_htmx, wants_fragment
from dashboard.core.listing.query import canonical_query, page_sizes, table_params
from dashboard.core.listing.search import paginate, preference_context, remember_table_choices, search_response
from dashboard.core.preferences import apply_columns

from .forms import AuditFilterForm
from .models import AuditRecord, can_view_all
from .tables import AuditRecordTable


@method_decorator([require_GET, vary_on_htmx], name="dispatch")
class AuditListView(SingleTableMixin, TemplateView):
    table_class = AuditRecordTable
    template_name = "audit/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.everyone = can_view_all(request.user)
        self.form = AuditFilterForm(request.GET, search_url=request.path, can_view_all=self.everyone)
        self.preference = remember_table_choices(request, self.table_class)
        self.params = table_params(request.GET, self.table_class, self.preference.per_page if self.preference else None)
        # The clean, clamped state: what the table is built from, and what its links and the pushed URL carry.
        self.state = canonical_query(request, self.form.fields, self.params)
        if wants_fragment(request):
            response = self.render_to_response(self.get_context_data(), template_name=f"{self.template_name}#results")
            return search_response(request, response, self.state)
        return self.render_to_response(self.get_context_data())

    def render_to_response(self, context: dict, template_name: str | None = None, **kwargs: Any) -> HttpResponse:
        if template_name:
            return self.response_class(request=self.request, template=[template_name], context=context, **kwargs)
        return super().render_to_response(context, **kwargs)

    def get_table_data(self):
        records = AuditRecord.objects.visible_to(self.request.user)
        if not self.form.is_valid():
            return records.none()
        return self.form.filter(records)

    def get_table(self, **kwargs: Any):
        # Sort and page from the clamped params, not tables2's RequestConfig (which reads raw request.GET).
        table = self.table_class(data=self.get_table_data(), order_by=self.params.sort, **kwargs)
        table.request = self.request
        paginate(table, self.params)
        table.query_state = self.state
        apply_columns(table, self.preference)
        return table

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            problem=None,
            search_query=self.state,
            everyone=self.everyone,
            page_sizes=page_sizes(),
            has_filters=bool(self.form.is_valid() and self.form.active_filters),
            **preference_context(self.table_class, self.preference),
        )
        if not self.form.is_valid():
            context["table"] = None  # core/_results.html then shows "check the filters"
        return context
