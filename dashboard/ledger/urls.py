from django.urls import path

from dashboard.core.views import coming_soon

app_name = "ledger"

urlpatterns = [
    path("ledger-entries/", coming_soon, {"title": "Ledger entries"}, name="list"),
]
