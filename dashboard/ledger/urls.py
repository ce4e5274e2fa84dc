from django.urls import path

from . import chain_views, create, views

app_name = "ledger"

urlpatterns = [
    path("ledger-entries/", views.ledger_entry_list_view, name="list"),
    path("ledger-entries/new/", create.ledger_entry_new_view, name="new"),
    path("ledger-entries/<int:entry_id>/", views.ledger_entry_detail_view, name="detail"),
    path("ledger-entries/pick/businesses/", views.pick_business_view, name="pick-business"),
    path("ledger-entries/pick/customers/", views.pick_coworker_view, name="pick-coworker"),
    path("ledger-entries/pick/invoices/", views.pick_invoice_view, name="pick-invoice"),
    path("customers/<int:coworker_id>/ledger/", views.customer_ledger_view, name="customer"),
    path("customers/<int:coworker_id>/ledger/standing/", chain_views.customer_standing_view, name="standing"),
]
