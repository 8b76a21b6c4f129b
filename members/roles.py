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
    "cooperation.view_agreementphase",
    "cooperation.view_pillar",
    "cooperation.view_project",
    "cooperation.view_milestone",
    "cooperation.view_progressupdate",
    "cooperation.view_attachment",
    "cooperation.view_venue",
    "sanatoriums.view_sanatorium",
    "sanatoriums.view_photo",
    "sanatoriums.view_recognition",
    "sanatoriums.view_theme",
]
MANAGE_SANATORIUMS = [
    "sanatoriums.add_sanatorium",
    "sanatoriums.change_sanatorium",
    "sanatoriums.add_photo",
    "sanatoriums.change_photo",
    "sanatoriums.delete_photo",
    "sanatoriums.add_recognition",
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

# Lead federations manage their projects and venues; partners add progress updates.
MANAGE_COOPERATION = [
    "cooperation.add_project",
    "cooperation.change_project",
    "cooperation.add_milestone",
    "cooperation.change_milestone",
    "cooperation.delete_milestone",
    "cooperation.add_progressupdate",
    "cooperation.change_progressupdate",
    "cooperation.add_attachment",
    "cooperation.add_venue",
    "cooperation.change_venue",
]

READ_COMPETITIONS = [
    "competitions.view_competition",
    "competitions.view_event",
    "competitions.view_scoringpart",
    "competitions.view_entry",
    "competitions.view_title",
]
# Judges see their events on their own judging pages, never the entries list (blind judging).
JUDGE_COMPETITIONS = ["competitions.view_competition", "competitions.view_event"]
MANAGE_COMPETITIONS = READ_COMPETITIONS + [
    "competitions.add_competition",
    "competitions.change_competition",
    "competitions.add_event",
    "competitions.change_event",
    "competitions.delete_event",
    "competitions.add_scoringpart",
    "competitions.change_scoringpart",
    "competitions.delete_scoringpart",
    "competitions.add_entry",
    "competitions.change_entry",
    "competitions.view_score",
]

ROLE_PERMISSIONS = {
    "staff": READ_SHARED
    + MANAGE_MEMBERS
    + MANAGE_SANATORIUMS
    + MANAGE_COMPETITIONS
    + MANAGE_COOPERATION,
    "approver": READ_SHARED
    + MANAGE_MEMBERS
    + MANAGE_SANATORIUMS
    + MANAGE_COMPETITIONS
    + MANAGE_COOPERATION
    + ["sanatoriums.decide_recognition"],
    "judge": READ_SHARED + JUDGE_COMPETITIONS,
    "leader": READ_SHARED + READ_COMPETITIONS,
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
