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
