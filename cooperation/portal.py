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


def _menu_entry(order, perm, url_name, label, is_active):
    """An entry shown to whoever holds `perm`; `label` is translated on each page."""

    @registry.register_menu_item(order)
    def entry(menu):
        if menu.has(perm):
            return menu.urls[url_name], str(label), is_active(menu)
        return None

    return entry


def _register_menu():
    from django.utils.translation import gettext_lazy, pgettext_lazy

    for order, perm, url_name, label, is_active in (
        (40, "cooperation.view_project", "cooperation:projects", gettext_lazy("Projects"),
         lambda menu: menu.path.startswith(("/projects/", "/venues/"))),
        (50, "cooperation.view_meeting", "cooperation:meetings", pgettext_lazy("menu", "Liaison"),
         lambda menu: menu.path.startswith("/liaison/")),
        (60, "cooperation.count_referrals", "cooperation:referrals",
         pgettext_lazy("menu", "Referrals"), lambda menu: menu.path.startswith("/rights/")),
        (70, "cooperation.view_dashboard", "cooperation:dashboard", gettext_lazy("Dashboard"),
         lambda menu: menu.url_name == "dashboard"),
    ):  # fmt: skip
        _menu_entry(order, perm, url_name, label, is_active)


_register_menu()
