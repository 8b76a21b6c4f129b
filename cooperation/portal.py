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


# --- fast pages --- the home page and a public project's page show projects with their
# milestones, updates and attachments, the pillars and the agreements; an agreement (in
# force or not) decides what the parties share, so it renders every public area afresh.
def _register_public_pages():
    from cooperation.models import (
        Agreement,
        AgreementPhase,
        Attachment,
        Milestone,
        Pillar,
        ProgressUpdate,
        Project,
    )
    from members.models import Federation

    registry.register_public_area(
        "projects",
        Federation,
        Agreement,
        AgreementPhase,
        Pillar,
        Project,
        Milestone,
        ProgressUpdate,
        Attachment,
    )
    for area in ("sanatoriums", "competitions"):
        registry.register_public_area(area, Agreement)


_register_public_pages()


# --- fast pages --- who shares records with whom is cached with each user's scope
# (members.scoping): an agreement written or deleted, or its parties changed, renews them all.
def _connect_scope_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from cooperation.models import Agreement
    from members.scoping import scopes_changed

    for signal in (post_save, post_delete):
        signal.connect(scopes_changed, sender=Agreement, dispatch_uid="scope.agreement")
    m2m_changed.connect(
        scopes_changed, sender=Agreement.parties.through, dispatch_uid="scope.agreement_parties"
    )


_connect_scope_signals()


# --- the navigation: projects (with venues), liaison, referrals, the dashboard ---


@registry.register_menu_item(40)
def projects_menu_entry(menu):
    from django.utils.translation import gettext

    if menu.has("cooperation.view_project"):
        active = menu.path.startswith(("/projects/", "/venues/"))
        return menu.urls["cooperation:projects"], gettext("Projects"), active
    return None


@registry.register_menu_item(50)
def liaison_menu_entry(menu):
    from django.utils.translation import pgettext

    if menu.has("cooperation.view_meeting"):
        active = menu.path.startswith("/liaison/")
        return menu.urls["cooperation:meetings"], pgettext("menu", "Liaison"), active
    return None


@registry.register_menu_item(60)
def referrals_menu_entry(menu):
    from django.utils.translation import pgettext

    if menu.has("cooperation.count_referrals"):
        active = menu.path.startswith("/rights/")
        return menu.urls["cooperation:referrals"], pgettext("menu", "Referrals"), active
    return None


@registry.register_menu_item(70)
def dashboard_menu_entry(menu):
    from django.utils.translation import gettext

    if menu.has("cooperation.view_dashboard"):
        active = menu.url_name == "dashboard"
        return menu.urls["cooperation:dashboard"], gettext("Dashboard"), active
    return None
