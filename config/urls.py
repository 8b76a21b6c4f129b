from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from config.health import healthz
from cooperation.views import home
from members.forms import PortalAuthenticationForm
from sanatoriums.views import photo_file

admin.site.site_header = _("Twin-City Union Cooperation Portal")
admin.site.site_title = _("Twin-City Union Cooperation Portal")
admin.site.index_title = _("Administration")


def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (the admin, a PDF): send
    them to the portal's icon among the static files (its name changes with its content)."""
    return redirect(static("icons/favicon.ico"))


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=PortalAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("members/", include("members.urls")),
    path("inbox/", include("members.inbox_urls")),
    path("imports/", include("members.import_urls")),  # --- excel ---
    path("", include("cooperation.urls")),
    path("sanatoriums/", include("sanatoriums.urls")),
    path("competitions/", include("competitions.urls")),
    # The language switch needs no CSRF token: it sets only the visitor's language cookie
    # (a forged switch shows the other language, nothing more), and so the public pages,
    # which are shared from the cache (members.pagecache), carry no token at all.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# Photos of sanatorium bases are public, at their MEDIA_URL address (`Photo.image.url`), by
# exact stored name only. Nothing else under MEDIA_ROOT has a public address: other uploads
# (attachments, signed documents …) go through views that check access.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.lstrip('/')}sanatoriums/<path:name>",
        photo_file,
        name="photo_file",
    ),
]
