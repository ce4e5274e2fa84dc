"""Top-level URL map: one include per feature app."""

from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.core.urls")),
    path("", include("dashboard.accounts.urls")),
    path("payment-tokens/", include("dashboard.payment_tokens.urls")),
    path("", include("dashboard.ledger.urls")),
    path("", include("dashboard.invoices.urls")),
    path("audit/", include("dashboard.audit.urls")),
    path("statements/", include("dashboard.statements.urls")),
]

handler400 = "dashboard.core.views.bad_request"
handler403 = "dashboard.core.views.permission_denied"
handler404 = "dashboard.core.views.page_not_found"
handler500 = "dashboard.core.views.server_error"
