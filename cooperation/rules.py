"""Permissions on the agreement, projects, their milestones and updates, and venues.

Lead federations manage their projects and venues; partners add progress updates (the
update's own federation changes it); administrators manage agreements in the admin."""

from members.access import declare

READERS = ("staff", "approver", "leader", "administrator")
EDITORS = ("staff", "approver")

for codename in (
    "view_agreement",
    "view_agreementphase",
    "view_pillar",
    "view_project",
    "view_milestone",
    "view_progressupdate",
    "view_attachment",
    "view_venue",
):
    declare(f"cooperation.{codename}", roles=READERS)

for codename in (
    "add_project",
    "change_project",
    "add_milestone",
    "change_milestone",
    "delete_milestone",
    "add_progressupdate",
    "change_progressupdate",
    "add_attachment",
    "add_venue",
    "change_venue",
):
    declare(f"cooperation.{codename}", roles=EDITORS)

for codename in ("add_agreement", "change_agreement"):
    declare(f"cooperation.{codename}", roles=("administrator",))
