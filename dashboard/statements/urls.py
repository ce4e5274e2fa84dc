from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    path("", views.statement_upload_view, name="upload"),
    path("<int:import_id>/columns/", views.statement_mapping_view, name="mapping"),
    path("<int:import_id>/review/", views.statement_review_view, name="review"),
    path("<int:import_id>/lines/<int:line_id>/", views.statement_line_view, name="line"),
    path("<int:import_id>/post/", views.statement_post_view, name="post"),
    path("<int:import_id>/resume/", views.statement_resume_view, name="resume"),
    path("<int:import_id>/progress/", views.statement_progress_view, name="progress"),
    path("<int:import_id>/results/", views.statement_results_view, name="results"),
    path("<int:import_id>/results.csv", views.statement_results_csv_view, name="results-csv"),
]
