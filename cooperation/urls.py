from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/status/", views.project_status_change, name="project_status"),
    path("projects/<int:pk>/milestones/", views.milestone_create, name="milestone_add"),
    path("projects/<int:pk>/updates/", views.progress_update_create, name="update_add"),
    path("projects/milestones/<int:pk>/edit/", views.milestone_update, name="milestone_update"),
    path("projects/milestones/<int:pk>/done/", views.milestone_mark_done, name="milestone_done"),
    path("projects/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("projects/agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path(
        "projects/agreements/<int:pk>/document/",
        views.agreement_document_download,
        name="agreement_document",
    ),
    path("dashboard/", views.dashboard_show, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue"),
    path("venues/<int:pk>/edit/", views.venue_update, name="venue_update"),
]
