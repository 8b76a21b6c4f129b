from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and accounts")

    def ready(self):
        from members.registry import autodiscover
        from members.roles import ensure_role_groups

        autodiscover()

        # Permissions exist only after every app has migrated, so the role groups are
        # brought up to date after migrate rather than in a data migration.
        post_migrate.connect(ensure_role_groups, dispatch_uid="members.ensure_role_groups")
