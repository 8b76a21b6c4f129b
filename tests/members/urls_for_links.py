"""A URLconf for tests.members.test_links: the same name at another address."""

from django.http import HttpResponse
from django.urls import include, path


def _view(request, pk):
    return HttpResponse()


urlpatterns = [
    path(
        "elsewhere/",
        include(([path("<int:pk>/", _view, name="batch")], "sanatoriums")),
    ),
]
