"""Roles as Django groups, and the permissions each carries.

A role is a group whose name is the role's key (members.models.Role). Apps that add models
add their permissions here; `ensure_role_groups` runs after every migrate and makes the
groups match this table exactly.
"""

READ_SHARED = [
    "members.view_federation",
    "members.view_organisation",
    "members.view_member",
    "members.view_honour",
    "cooperation.view_agreement",
]
MANAGE_MEMBERS = [
    "members.add_member",
    "members.change_member",
    "members.delete_member",
    "members.add_honour",
    "members.change_honour",
    "members.delete_honour",
    "members.add_organisation",
    "members.change_organisation",
]

ROLE_PERMISSIONS = {
    "staff": READ_SHARED + MANAGE_MEMBERS,
    "approver": READ_SHARED + MANAGE_MEMBERS,
    "judge": READ_SHARED,
    "leader": READ_SHARED,
    "administrator": READ_SHARED
    + MANAGE_MEMBERS
    + [
        "members.add_user",
        "members.change_user",
        "members.view_user",
        "members.add_staffprofile",
        "members.change_staffprofile",
        "members.view_staffprofile",
        "members.add_federation",
        "members.change_federation",
        "cooperation.add_agreement",
        "cooperation.change_agreement",
    ],
}


def ensure_role_groups(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:  # an app not migrated yet: the next migrate adds it
                wanted.append(permission)
        group.permissions.set(wanted)
