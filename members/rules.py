"""Permissions on the register of federations, organisations, members and accounts."""

import rules

from members.access import changes, declare

READERS = ("staff", "approver", "leader", "administrator")
EDITORS = ("staff", "approver", "administrator")

for codename in ("view_federation", "view_organisation", "view_member", "view_honour"):
    declare(f"members.{codename}", roles=READERS)

for codename in (
    "add_member",
    "change_member",
    "delete_member",
    "add_honour",
    "change_honour",
    "delete_honour",
    "add_organisation",
    "change_organisation",
):
    declare(f"members.{codename}", roles=EDITORS)

# Accounts, roles and federations are the administrators' (in the admin, whose UserAdmin
# keeps superuser accounts and permissions to superusers).
for codename in (
    "add_user",
    "change_user",
    "view_user",
    "add_staffprofile",
    "change_staffprofile",
    "view_staffprofile",
    "add_federation",
    "change_federation",
):
    declare(f"members.{codename}", roles=("administrator",), object_rule=rules.always_true)

# --- excel --- an import job is its federation's: its editors follow and confirm it.
for codename in ("view_importjob", "change_importjob"):
    declare(f"members.{codename}", roles=EDITORS, object_rule=changes)
