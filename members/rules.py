"""Permissions on the register of federations, organisations, members and accounts."""

import rules

from members.access import declare

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
