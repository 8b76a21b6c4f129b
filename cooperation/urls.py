from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/export/", views.project_export, name="projects_export"),  # --- excel ---
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

# --- liaison ---
urlpatterns += [
    path("liaison/", views.meeting_list, name="meetings"),
    path("liaison/meetings/new/", views.meeting_create, name="meeting_create"),
    path("liaison/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("liaison/meetings/<int:pk>/edit/", views.meeting_update, name="meeting_update"),
    path("liaison/meetings/<int:pk>/held/", views.meeting_mark_held, name="meeting_held"),
    path("liaison/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("liaison/meetings/<int:pk>/outcomes/", views.outcome_create, name="outcome_add"),
    path(
        "liaison/meetings/<int:pk>/minutes/",
        views.meeting_minutes_download,
        name="meeting_minutes",
    ),
    path("liaison/meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("liaison/contacts/", views.contact_list, name="contacts"),
    path("liaison/contacts/new/", views.contact_create, name="contact_create"),
    path("liaison/contacts/export/", views.contact_export, name="contacts_export"),  # --- excel ---
    path("liaison/contacts/<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("liaison/actions/", views.action_item_list, name="action_items"),
    path(
        "liaison/actions/<int:pk>/status/",
        views.action_item_status_change,
        name="action_item_status",
    ),
    path("liaison/calendar/", views.calendar_settings, name="calendar"),
    path("liaison/calendar/new/", views.calendar_regenerate, name="calendar_regenerate"),
    path("liaison/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("liaison/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

# --- referrals ---
urlpatterns += [
    path("rights/referrals/", views.referral_list, name="referrals"),
    path("rights/referrals/new/", views.referral_create, name="referral_create"),
    path("rights/referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("rights/referrals/<int:pk>/accept/", views.referral_accept, name="referral_accept"),
    path("rights/referrals/<int:pk>/decline/", views.referral_decline, name="referral_decline"),
    path("rights/referrals/<int:pk>/forward/", views.referral_forward, name="referral_forward"),
    path("rights/referrals/<int:pk>/resolve/", views.referral_resolve, name="referral_resolve"),
    path("rights/referrals/<int:pk>/close/", views.referral_close, name="referral_close"),
    path("rights/referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
    path(
        "rights/referrals/attachments/<int:pk>/",
        views.referral_attachment_download,
        name="referral_attachment",
    ),
]
