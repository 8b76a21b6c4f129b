from django.urls import path

from sanatoriums import views

app_name = "sanatoriums"

urlpatterns = [
    path("", views.sanatorium_directory, name="directory"),
    path("<int:pk>/", views.sanatorium_detail, name="detail"),
    path("manage/", views.sanatorium_manage, name="manage"),
    path("manage/new/", views.sanatorium_create, name="create"),
    path("<int:pk>/edit/", views.sanatorium_update, name="update"),
    path("<int:pk>/photos/", views.photo_create, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("<int:pk>/recognitions/propose/", views.recognition_propose, name="propose"),
    path("recognitions/", views.recognition_queue, name="queue"),
    path("recognitions/<int:pk>/decide/", views.recognition_decide, name="decide"),
    path("recognitions/<int:pk>/revoke/", views.recognition_revoke, name="revoke"),
]

# Places: the base's owner manages routes, batches and allocations; each federation its own
# bookings.
urlpatterns += [
    path("manage/batches/", views.batch_list, name="batches"),
    path("manage/<int:pk>/routes/new/", views.route_create, name="route_create"),
    path("manage/routes/<int:pk>/edit/", views.route_update, name="route_update"),
    path("manage/routes/<int:pk>/batches/new/", views.batch_create, name="batch_create"),
    path("manage/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("manage/batches/<int:pk>/edit/", views.batch_update, name="batch_update"),
    path("manage/batches/<int:pk>/allocate/", views.allocation_set, name="allocate"),
    path("manage/batches/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("manage/batches/<int:pk>/participants/", views.participant_list, name="participants"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/export/", views.booking_export, name="bookings_export"),  # --- excel ---
    path("bookings/new/<int:pk>/", views.booking_create, name="booking_create"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path(
        "bookings/<int:pk>/participants/", views.booking_participants, name="booking_participants"
    ),
    path("bookings/<int:pk>/confirm/", views.booking_confirm, name="booking_confirm"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/feedback/", views.feedback_save, name="feedback"),
]
