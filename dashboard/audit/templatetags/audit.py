"""`{% dashboard_history "payment_token" token.id %}`: the audit records of one record, for its detail page."""

from __future__ import annotations

from django import template

from ..models import AuditRecord, can_view_all
from ..wording import history_words

register = template.Library()

HISTORY_LIMIT = 20


@register.inclusion_tag("audit/_history.html", takes_context=True)
def dashboard_history(context: template.Context, resource: str, record_id: int | None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    records = []
    everyone = False
    if user is not None and user.is_authenticated and record_id is not None:
        everyone = can_view_all(user)
        found = AuditRecord.objects.visible_to(user).filter(resource=resource, record_id=record_id)[: HISTORY_LIMIT + 1]
        records = [{"record": r, "words": history_words(r)} for r in found]
    return {
        "records": records[:HISTORY_LIMIT],
        "more": len(records) > HISTORY_LIMIT,
        "everyone": everyone,
        "resource": resource,
        "record_id": record_id,
    }
