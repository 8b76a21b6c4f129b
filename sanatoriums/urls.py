from django.urls import path

from sanatoriums import views

app_name = "sanatoriums"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("<int:pk>/edit/", views.update, name="update"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("<int:pk>/recognitions/propose/", views.propose, name="propose"),
    path("recognitions/", views.queue, name="queue"),
    path("recognitions/<int:pk>/decide/", views.decide, name="decide"),
    path("recognitions/<int:pk>/revoke/", views.revoke, name="revoke"),
]
