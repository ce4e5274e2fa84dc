from django.urls import path

from . import customer_views, views

app_name = "payment_tokens"

urlpatterns = [
    path("", views.payment_token_list_view, name="list"),
    path("new/", views.payment_token_create_view, name="new"),
    path("<int:token_id>/", views.payment_token_detail_view, name="detail"),
    path("<int:token_id>/token/", views.payment_token_reveal_view, name="reveal"),
    path("<int:token_id>/edit/", views.payment_token_edit_view, name="edit"),
    path("<int:token_id>/delete/", views.payment_token_delete_view, name="delete"),
    path("customer/<int:coworker_id>/", customer_views.customer_tokens_view, name="customer"),
]
