from django.urls import path

from . import views

app_name = "invoices"

urlpatterns = [
    path("", views.home, name="home"),
    path("invoices/<int:invoice_id>/", views.invoice_view, name="invoice"),
    path("invoices/<int:invoice_id>/tokens/", views.invoice_tokens_view, name="invoice-tokens"),
    path("find/", views.find_view, name="find"),
    path("customers/<int:coworker_id>/invoices/", views.customer_invoices_view, name="customer-invoices"),
]
