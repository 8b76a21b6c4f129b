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

        # A user's cached scope (members.scoping) and unread count (members.notifications)
        # are renewed whenever what they are made of changes, however it is written.
        from django.db.models.signals import post_delete, post_save

        from members.models import Federation, Organisation, StaffProfile
        from members.notifications import Notification, inbox_changed
        from members.scoping import scopes_changed

        for model in (StaffProfile, Organisation, Federation):
            for signal in (post_save, post_delete):
                signal.connect(scopes_changed, sender=model, dispatch_uid=f"scope.{model}")
        for signal in (post_save, post_delete):
            signal.connect(inbox_changed, sender=Notification, dispatch_uid="inbox.unread")

        # Permissions exist only after every app has migrated, so the role groups are
        # brought up to date after migrate rather than in a data migration.
        post_migrate.connect(ensure_role_groups, dispatch_uid="members.ensure_role_groups")
