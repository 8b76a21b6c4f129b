"""The one answer to "which records may this user see, and which may they change".

Every model owned by a federation gets its manager from `FederationScopedQuerySet` and says
where its federation is (`federation_field`). Views, exports and the admin all call
`for_user(user)` to read and `editable_by(user)` to change; nothing filters by federation by
hand. The rules:

- a superuser (administrator) sees and changes everything;
- a signed-in user with a staff profile sees records of their own federation and of every
  federation that is party to an agreement with it that is in force today (partners);
  others see nothing. An agreement shares records from its first day to its last: once it
  has ended (or before it starts) the parties read only their own federation's records
  again, though each party still reads the agreement itself;
- only union staff and approvers change records, and only their own federation's;
- leaders only read; judges read nothing through this mechanism: they score the events they
  are assigned to on their own pages and see entrant numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from members import versioned_cache

EDITING_ROLES = frozenset({"staff", "approver"})
PERSONAL_DATA_ROLES = frozenset({"staff", "approver"})
#: Roles that read the shared records of their federation and its partners.
READING_ROLES = frozenset({"staff", "approver", "leader", "administrator"})
#: Roles that sign in to the Django admin (besides superusers).
ADMIN_ROLES = frozenset({"staff", "approver", "administrator"})


@dataclass(frozen=True)
class UserScope:
    federation_id: int | None
    role: str | None
    readable_federation_ids: frozenset[int]
    is_superuser: bool = False

    @property
    def can_edit(self) -> bool:
        return self.is_superuser or (self.federation_id is not None and self.role in EDITING_ROLES)


_NOBODY = UserScope(federation_id=None, role=None, readable_federation_ids=frozenset())


def user_scope(user) -> UserScope:
    """The user's federation, role and readable federations, computed once per user object
    (so once per request): from the shared cache when it holds them for today (one round
    trip), else with two small queries."""
    if user is None or not user.is_authenticated:
        return _NOBODY
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    federation_id, role, readable = _stored_scope(user.pk)
    scope = UserScope(
        federation_id=federation_id,
        role=role,
        readable_federation_ids=readable,
        is_superuser=user.is_superuser,  # always the user's own, as loaded for this request
    )
    user._portal_scope = scope
    return scope


def _compute_scope(user_id):
    from members.models import StaffProfile

    profile = (
        StaffProfile.objects.filter(user_id=user_id)
        .select_related("organisation")
        .only("role", "organisation__federation_id")
        .first()
    )
    if profile is None:
        return None, None, frozenset()
    own = profile.organisation.federation_id
    readable = frozenset({own, *partner_ids(own)}) if profile.role in READING_ROLES else frozenset()
    return own, profile.role, readable


# --- the scope in the shared cache ----------------------------------------------------------
#
# A user's scope changes when their profile, an organisation, an agreement or its parties
# change (members.apps and each app's portal.py call `scopes_changed`; a federation's change
# does too, for `readable_federations`), and when the day changes (an agreement comes into
# or goes out of force at midnight in Shanghai): the key holds the day, and each entry the
# version of all scopes it was computed under (members.versioned_cache).

SCOPE_VERSION_KEY = "scope:version"


def _scope_key(user_id) -> str:
    return f"scope:user:{user_id}:{timezone.localdate().isoformat()}"


def _stored_scope(user_id):
    return versioned_cache.cached(
        SCOPE_VERSION_KEY,
        _scope_key(user_id),
        lambda: _compute_scope(user_id),
        settings.USER_CACHE_SECONDS,
    )


def readable_federations(user) -> list:
    """`Federation.objects.for_user(user)` in code order, from the shared cache: there are
    a handful of federations, they rarely change, and every list's federation filter asks
    for them. Kept under the scopes' version (a federation's change renews it)."""
    remembered = getattr(user, "_portal_federations", None)
    if remembered is not None:  # once per user object, so once per request
        return remembered
    federations = _readable_federations(user_scope(user))
    if user is not None and user.is_authenticated:
        user._portal_federations = federations
    return federations


def _readable_federations(scope):
    from django.db import router

    from members.models import Federation

    if scope.is_superuser:
        return list(Federation.objects.order_by("code"))
    ids = sorted(scope.readable_federation_ids)
    if not ids:
        return []
    fields = [field.attname for field in Federation._meta.concrete_fields]
    rows = versioned_cache.cached(
        SCOPE_VERSION_KEY,
        "scope:federations:" + ",".join(map(str, ids)),
        lambda: list(Federation.objects.filter(pk__in=ids).order_by("code").values_list(*fields)),
        settings.USER_CACHE_SECONDS,
    )
    database = router.db_for_read(Federation)
    return [Federation.from_db(database, fields, row) for row in rows]


def with_federations(objects, user, *paths):
    """Give each object the federations that `paths` name ("federation",
    "organisation.federation", …) from `readable_federations` rather than a join in the
    list's query: every list names federations on each row, and two or three more joined
    tables cost more to plan and read than the page's rows. A federation the user no
    longer reads (a partner of an ended agreement) is read in one query. Returns
    `objects`."""
    from members.models import Federation

    known = {federation.pk: federation for federation in readable_federations(user)}
    objects = list(objects)
    targets = []
    for obj in objects:
        for path in paths:
            *head, name = path.split(".")
            target = obj
            for part in head:
                target = getattr(target, part)
            if target is not None:
                targets.append((target, name, getattr(target, f"{name}_id")))
    missing = {pk for _target, _name, pk in targets if pk is not None and pk not in known}
    if missing:
        known |= Federation.objects.in_bulk(missing)
    for target, name, pk in targets:
        if pk is not None:
            setattr(target, name, known[pk])
    return objects


def scopes_changed(**kwargs) -> None:
    """Something that decides who reads what changed: every cached scope is out of date,
    now and once the change commits. (A signal receiver: it takes the signal's arguments.)"""
    versioned_cache.changed(SCOPE_VERSION_KEY)


def partner_ids(federation_id, *, on=None):
    """The federations that share records with this one on a day (today in Shanghai), as the
    app that knows about agreements answers through the registry."""
    from members.registry import registry

    if registry.partners is None:
        return set()
    return set(registry.partners(federation_id, on or timezone.localdate())) - {federation_id}


def can_see_personal_data(user, federation_id: int | None) -> bool:
    """ID and phone numbers are shown in full only to staff and approvers of the member's
    own federation (and to administrators); everyone else sees them masked."""
    scope = user_scope(user)
    if scope.is_superuser:
        return True
    return (
        federation_id is not None
        and scope.federation_id == federation_id
        and scope.role in PERSONAL_DATA_ROLES
    )


def personal_data_shown(user) -> str:
    """Whose ID and phone numbers the user sees in full, for a page to say what is true for
    its reader: "all" (administrators), "own" (their own federation's members) or "none"."""
    scope = user_scope(user)
    if scope.is_superuser:
        return "all"
    return "own" if can_see_personal_data(user, scope.federation_id) else "none"


def editors_of(federation_id):
    """The users who change a federation's records: its staff and approvers."""
    from members.models import User

    return User.objects.filter(
        staff_profile__organisation__federation_id=federation_id,
        staff_profile__role__in=EDITING_ROLES,
        is_active=True,
    )


class FederationScopedQuerySet(models.QuerySet):
    #: The lookup from the model to the federation that owns a row.
    federation_field = "federation"

    def for_user(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if not scope.readable_federation_ids:
            return self.none()
        return self.filter(**{f"{self.federation_field}__in": scope.readable_federation_ids})

    def editable_by(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if not scope.can_edit:
            return self.none()
        return self.filter(**{self.federation_field: scope.federation_id})
