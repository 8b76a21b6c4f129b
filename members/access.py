"""Who may do what: one answer, Django's own `user.has_perm(perm, obj)`.

Each app declares its permissions in its own `rules.py` (found by django-rules' autodiscovery,
the way the admin finds `admin.py`) with `declare(perm, roles=…)`. That one line says both

- which roles hold the permission: the table that the role groups are built from
  (`members.roles.ensure_role_groups`), and that answers `has_perm(perm)` without an object;
- which objects it reaches, through django-rules' object-permission backend: a `view_*`
  permission reaches the objects the user reads (`for_user`), `add_*`, `change_*` and
  `delete_*` those the user changes (`editable_by`), and an app may give a predicate of its
  own (who decides a recognition, say).

Views ask `request.user.has_perm("app.change_model", obj)` (or `get_object_for_user`),
services ask it of their actor, the admin's permission methods and templates
(`{% has_perm %}` from `rules`) ask it too: there is no second place where the rule lives.
Superusers hold every permission (Django's PermissionsMixin answers before any backend).
"""

from __future__ import annotations

from collections import defaultdict

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.scoping import user_scope

#: role → the permissions it holds ("app_label.codename"), filled by the apps' rules.py.
ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def _manager(obj):
    return type(obj)._default_manager


@rules.predicate
def reads(user, obj):
    """The object is among those the user reads (or no object is asked about)."""
    return obj is None or _manager(obj).for_user(user).filter(pk=obj.pk).exists()


@rules.predicate
def changes(user, obj):
    """The object is among those the user changes (or no object is asked about)."""
    return obj is None or _manager(obj).editable_by(user).filter(pk=obj.pk).exists()


def holds(perm):
    """A predicate: the user's role holds `perm` (read from the table when asked, so that
    every app's declarations count, whatever the order they were made in)."""

    @rules.predicate(name=f"holds {perm}")
    def role_holds(user):
        return bool(
            user is not None
            and user.is_active
            and perm in ROLE_PERMISSIONS.get(user_scope(user).role, ())
        )

    return role_holds


def _default_object_rule(perm):
    action = perm.split(".", 1)[1].split("_", 1)[0]
    return reads if action == "view" else changes


def declare(perm: str, *, roles, object_rule=None):
    """Declare `perm` ("app_label.codename"): the roles that hold it and, optionally, the
    predicate (user, obj) that decides for an object; by default `reads` for view_*, else
    `changes`."""
    for role in roles:
        ROLE_PERMISSIONS[role].add(perm)
    rule = holds(perm) & (object_rule or _default_object_rule(perm))
    rules.set_perm(perm, rule)


def may_create(user, perm: str) -> bool:
    """ "May create" on the portal's pages: the role holds the add permission and the user has
    a federation of their own to create the record in. Administrators, who have none, create
    in the admin."""
    scope = user_scope(user)
    return user.has_perm(perm) and scope.federation_id is not None and scope.can_edit


def get_object_for_user(request, queryset, pk, *, perm=None):
    """The object with this pk if the user reads it, else 404. With `perm`, also 404 unless
    the user holds `perm` for that object: a page never tells whether another federation's
    record exists, nor answers differently for one the user reads but may not change."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    obj = get_object_or_404(queryset.for_user(request.user), pk=pk)
    if perm is not None and not request.user.has_perm(perm, obj):
        raise Http404
    return obj
