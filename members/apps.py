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

        # A user's model permissions (members.backends) are renewed as soon as the links
        # between users, groups and permissions change, or a group or a permission goes
        # (its links go with it, without m2m_changed). A user's own flags are in the key.
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed

        from members.backends import permissions_changed
        from members.models import User

        for model in (Group, Permission):
            post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"perms.{model}")
        for through in (
            User.groups.through,
            User.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                permissions_changed, sender=through, dispatch_uid=f"perms.{through}"
            )

        # Permissions exist only after every app has migrated, so the role groups are
        # brought up to date after migrate rather than in a data migration.
        post_migrate.connect(ensure_role_groups, dispatch_uid="members.ensure_role_groups")
