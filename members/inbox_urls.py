from django.urls import path

from members import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:pk>/read/", views.inbox_read, name="read"),
    path("read-all/", views.inbox_read_all, name="read_all"),
]
