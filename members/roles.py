"""Roles as Django groups, and the permissions each carries.

A role is a group whose name is the role's key (members.models.Role). Which permissions a
role holds is declared by each app in its own `rules.py` (members.access.declare);
`ensure_role_groups` runs after every migrate and makes the groups match that table exactly,
so that the admin, which asks Django's model backend, sees the same roles as the pages.
"""

from members.access import ROLE_PERMISSIONS


def ensure_role_groups(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    for role, names in sorted(ROLE_PERMISSIONS.items()):
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for name in sorted(names):
            app_label, codename = name.split(".")
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:  # an app not migrated yet: the next migrate adds it
                wanted.append(permission)
        group.permissions.set(wanted)
