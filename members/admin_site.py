"""The portal's admin site: the Django admin, open only to the roles that work in it."""

import axes.apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from members.scoping import ADMIN_ROLES, user_scope


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # is_staff follows the role (StaffProfile.sync_groups); the role is asked again here
        # so that a leader or judge flagged by hand still finds the admin closed.
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user_scope(user).role in ADMIN_ROLES)
        )


class PortalAdminConfig(AdminConfig):
    default_site = "members.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # finds every app's admin.py
        # django-tasks-db registers its task results with English-only labels; the portal
        # has no tasks of its own yet, so its admin shows none (the worker logs each task).
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)


class AxesConfig(axes.apps.AppConfig):
    """django-axes (sign-in lockouts) under a translated name in the admin: the library
    names its app only by its label, "Axes"."""

    verbose_name = _("Sign-in protection")
