"""Writes on the register: organisations, members, honours and staff profiles.

Every write of the portal is a function `<entity>_<action>(*, actor, ...)` in its app's
services.py: it checks that the actor may act (members.access), validates, and writes in one
transaction with the acting user on the history row. `record_save` and `record_delete` are
the last step every app's services share. Outside a web request (a command, the seeder) the
actor may be None: `reason` then says what made the change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from members import pagecache
from members.models import Federation, Honour, Member, Organisation, StaffProfile, User
from members.scoping import user_scope


def require_perm(actor, perm, obj=None):
    """Refuse (PermissionDenied) unless the actor holds `perm` (for `obj`). None is a
    command or the seeder, which act with the operator's authority."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


def owning_federation_id(actor, chosen_id: int | None) -> int | None:
    """The one way a new record gets its owning federation: the actor's own. An
    administrator (in the admin's form) and a command or the seeder (no actor) name it; staff
    who name another federation are refused."""
    scope = user_scope(actor)
    if actor is None or scope.is_superuser:
        return chosen_id or scope.federation_id
    if not scope.can_edit or chosen_id not in (None, scope.federation_id):
        raise PermissionDenied
    return scope.federation_id


def record_save(obj, *, actor, reason="", clean=True):
    """full_clean and save `obj`, with `actor` (and `reason`) on its history row."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    if clean:
        obj.full_clean()
    obj.save()
    pagecache.record_changed(obj)
    return obj


def record_delete(obj, *, actor, reason=""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    pagecache.record_changed(obj)
    obj.delete()


def _perm(obj, action):
    opts = obj._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def _save(obj, *, actor, reason):
    """Write `obj`, new or changed, in the caller's transaction. A new record takes the add
    permission, a stored one the change permission on it as stored; and the actor must
    change the record as saved too, which refuses, say, a member filed under (or moved to)
    another federation's organisation."""
    adding = obj._state.adding
    if adding:
        require_perm(actor, _perm(obj, "add"))
    else:
        require_perm(actor, _perm(obj, "change"), obj)
    try:
        with transaction.atomic():
            record_save(obj, actor=actor, reason=reason)
            require_perm(actor, _perm(obj, "change"), obj)
    except PermissionDenied:
        if adding:
            _forget_insert(obj)
        raise
    return obj


def _forget_insert(obj):
    """A rolled-back insert leaves its primary key on the object: forget it, so that the
    object is new again."""
    obj.pk = None
    obj._state.adding = True


def _delete(obj, *, actor, reason):
    require_perm(actor, _perm(obj, "delete"), obj)
    record_delete(obj, actor=actor, reason=reason)


# --- federations and organisations --------------------------------------------------------


@transaction.atomic
def federation_save(*, actor, federation: Federation, reason: str = "") -> Federation:
    return _save(federation, actor=actor, reason=reason)


@transaction.atomic
def federation_delete(*, actor, federation: Federation, reason: str = "") -> None:
    _delete(federation, actor=actor, reason=reason)


@transaction.atomic
def organisation_save(*, actor, organisation: Organisation, reason: str = "") -> Organisation:
    """Add or change an organisation of the actor's own federation (its parent is in the
    same federation: Organisation.clean)."""
    return _save(organisation, actor=actor, reason=reason)


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation, reason: str = "") -> None:
    _delete(organisation, actor=actor, reason=reason)


# --- members and honours --------------------------------------------------------------------
#
# A member's federation is always its organisation's: Member.clean sets it, and every
# service validates (full_clean) before it saves.


@transaction.atomic
def member_create(*, actor, member: Member, reason: str = "") -> Member:
    """Register `member` (not saved yet) under an organisation of the actor's federation."""
    return _save(member, actor=actor, reason=reason)


@transaction.atomic
def member_update(*, actor, member: Member, reason: str = "") -> Member:
    """Save the changes made to `member`, a member of the actor's federation that stays in
    it."""
    return _save(member, actor=actor, reason=reason)


@transaction.atomic
def member_delete(*, actor, member: Member, reason: str = "") -> None:
    _delete(member, actor=actor, reason=reason)


@transaction.atomic
def member_bulk_create(*, actor=None, members: list[Member], reason: str = "seed_demo"):
    """Register many new members at once (the demo's volumes): each is validated as
    member_create validates, then all are written in batches, each with its history row.
    The database checks the constraints (unique card and ID numbers) as the rows go in,
    rather than five queries a member ahead of it."""
    require_perm(actor, "members.add_member")
    for member in members:
        member.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            created = bulk_create_with_history(
                members, Member, batch_size=500, default_user=actor, default_change_reason=reason
            )
            for member in created:
                require_perm(actor, "members.change_member", member)
            pagecache.model_changed(Member)
    except PermissionDenied:
        for member in members:
            _forget_insert(member)
        raise
    return created


@transaction.atomic
def honour_save(*, actor, honour: Honour, reason: str = "") -> Honour:
    """Add or change an honour of a member of the actor's federation."""
    return _save(honour, actor=actor, reason=reason)


@transaction.atomic
def honour_delete(*, actor, honour: Honour, reason: str = "") -> None:
    _delete(honour, actor=actor, reason=reason)


# --- accounts and roles ---------------------------------------------------------------------


def may_change_account(actor, user) -> bool:
    """A superuser's account is changed (and a superuser made) only by a superuser; None is a
    command."""
    return actor is None or actor.is_superuser or not user.is_superuser


@transaction.atomic
def user_save(*, actor, user: User, reason: str = "") -> User:
    stored = None if user._state.adding else User.objects.get(pk=user.pk)
    if not may_change_account(actor, user) or (
        stored is not None and not may_change_account(actor, stored)
    ):
        raise PermissionDenied
    return _save(user, actor=actor, reason=reason)


@transaction.atomic
def user_delete(*, actor, user: User, reason: str = "") -> None:
    if not may_change_account(actor, user):
        raise PermissionDenied
    _delete(user, actor=actor, reason=reason)


@transaction.atomic
def staff_profile_save(*, actor, profile: StaffProfile, reason: str = "") -> StaffProfile:
    """Give a user their organisation and role (StaffProfile.save puts them in the role's
    group)."""
    return _save(profile, actor=actor, reason=reason)


@transaction.atomic
def staff_profile_delete(*, actor, profile: StaffProfile, reason: str = "") -> None:
    _delete(profile, actor=actor, reason=reason)
