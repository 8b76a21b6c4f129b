"""The one answer to "which records may this user see, and which may they change".

Every model owned by a federation gets its manager from `FederationScopedQuerySet` and says
where its federation is (`federation_field`). Views, exports and the admin all call
`for_user(user)` to read and `editable_by(user)` to change; nothing filters by federation by
hand. The rules:

- a superuser (administrator) sees and changes everything;
- a signed-in user with a staff profile sees records of their own federation and of every
  federation that is party to an agreement with it (partners); others see nothing;
- only union staff and approvers change records, and only their own federation's;
- leaders and judges only read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

EDITING_ROLES = frozenset({"staff", "approver"})
PERSONAL_DATA_ROLES = frozenset({"staff", "approver"})


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
    (so once per request) with two small queries."""
    if user is None or not user.is_authenticated:
        return _NOBODY
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    from members.models import Federation, StaffProfile

    profile = (
        StaffProfile.objects.filter(user_id=user.pk)
        .select_related("organisation")
        .only("role", "organisation__federation_id")
        .first()
    )
    if profile is None:
        scope = UserScope(
            federation_id=None,
            role=None,
            readable_federation_ids=frozenset(),
            is_superuser=user.is_superuser,
        )
    else:
        own = profile.organisation.federation_id
        partners = Federation.objects.filter(agreements__parties__id=own).values_list(
            "id", flat=True
        )
        scope = UserScope(
            federation_id=own,
            role=profile.role,
            readable_federation_ids=frozenset({own, *partners}),
            is_superuser=user.is_superuser,
        )
    user._portal_scope = scope
    return scope


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
