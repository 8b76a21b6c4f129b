from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("export/", views.member_export, name="export"),  # --- excel ---
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_update, name="update"),
]
