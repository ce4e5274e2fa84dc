from django.urls import path

from dashboard.core.views import coming_soon

app_name = "payment_tokens"

urlpatterns = [
    path("", coming_soon, {"title": "Payment tokens"}, name="list"),
]
