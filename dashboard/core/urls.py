from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("preferences/tables/<slug:table_key>/columns/", views.table_columns_view, name="table-columns"),
    path("saved-views/", views.saved_view_save, name="saved-view-save"),
    path("saved-views/<int:view_id>/delete/", views.saved_view_delete, name="saved-view-delete"),
]
