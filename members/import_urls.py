"""The import pages, one set for every kind of record (members.import_views)."""

from django.urls import path

from members import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.import_start, name="start"),
    path("template/", import_views.import_template, name="template"),
    path("jobs/<int:pk>/", import_views.import_job, name="job"),
    path("jobs/<int:pk>/status/", import_views.import_job_status, name="job_status"),
    path("jobs/<int:pk>/confirm/", import_views.import_job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/errors/", import_views.import_job_errors, name="job_errors"),
]
