"""The cooperation app's contributions to the register (members.registry)."""

from django.db.models import Q

from members.registry import registry


@registry.register_partners
def partners_of(federation_id, on):
    """The other parties of the agreements in force on that day: an agreement shares records
    from its first day to its last (SECURITY.md)."""
    from cooperation.models import Agreement

    in_force = Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        parties=federation_id,
        valid_from__lte=on,
    )
    return set(
        Agreement.parties.through.objects.filter(agreement__in=in_force).values_list(
            "federation_id", flat=True
        )
    )


@registry.register_demo(10)
def seed_demo(*, federations, scale, rng):
    from cooperation import demo

    demo.seed(
        federations=federations,
        agreement=demo.seed_agreement(federations),
        scale=scale,
        rng=rng,
    )


# --- liaison ---


@registry.register_demo(11)
def seed_liaison_demo(*, federations, scale, rng):
    from cooperation import demo

    demo.seed_liaison(federations=federations, scale=scale, rng=rng)


# --- referrals ---


@registry.register_demo(15)
def seed_demo_referrals(*, federations, scale, rng):
    from cooperation import demo

    demo.seed_referrals(federations=federations, scale=scale)


# --- excel --- liaison contacts are importable (members.imports)
from cooperation import imports as _imports  # noqa: E402, F401
