"""What the apps above `members` contribute to it, found the way the admin finds `admin.py`:
when the apps are ready, each app's `portal.py` is imported and registers here. `members`
so never imports another app, and a new app plugs in without changing it.

- `partners`: who shares records with whom (the cooperation app answers from its
  agreements); without it, no federation has partners;
- `demo_seeders`: the app's part of `seed_demo`, in the order given;
- `member_sections`: a section of the member's page (titles from competitions, say);
- `dashboard_tiles`: the tiles of the leaders' dashboard, each app's from its own
  `tiles.py` (found like `portal.py`; see members.dashboard for what a tile returns);
- `menu_items`: the app's entries in the navigation (members/templatetags/portal_chrome.py),
  in the order given;
- `public_areas`: which models each area of public pages shows, so that a write of one
  renders those pages afresh (members.pagecache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(order=True)
class DemoSeeder:
    order: int
    seed: Callable[..., Any] = field(compare=False)


@dataclass
class MemberSection:
    """`context(request, member, show_personal)` returns the template's context, or None to
    leave the section out."""

    template: str
    context: Callable[..., dict | None]


@dataclass(order=True)
class DashboardTile:
    """One tile of the leaders' dashboard: `compute(period)` (a members.dashboard.Period)
    returns a members.dashboard.TileData from aggregate queries only — a fixed number of
    queries, however many rows there are."""

    order: int
    key: str = field(compare=False)
    title: Any = field(compare=False)
    compute: Callable[..., Any] = field(compare=False)
    icon: str = field(default="bar-chart", compare=False)


@dataclass(order=True)
class MenuItem:
    """`entry(menu)` returns (address, label, is it the page's section) for the user, or None
    to leave the entry out; `menu` is a portal_chrome.Menu (addresses, `has(perm)`, the
    page's url_name, app_name and path)."""

    order: int
    entry: Callable[..., Any] = field(compare=False)


@dataclass
class Registry:
    partners: Callable[..., set[int]] | None = None
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    member_sections: list[MemberSection] = field(default_factory=list)
    dashboard_tiles: list[DashboardTile] = field(default_factory=list)
    public_areas: dict[str, set[str]] = field(default_factory=dict)
    menu_items: list[MenuItem] = field(default_factory=list)

    def register_partners(self, source):
        """`source(federation_id, on)` → ids of the federations sharing records with it on
        that day."""
        self.partners = source
        return source

    def register_demo(self, order):
        def decorator(seed):
            self.demo_seeders.append(DemoSeeder(order, seed))
            self.demo_seeders.sort()
            return seed

        return decorator

    def register_member_section(self, template):
        def decorator(context):
            self.member_sections.append(MemberSection(template, context))
            return context

        return decorator

    def register_tile(self, order, *, key, title, icon="bar-chart"):
        """Register `compute(period)` as a dashboard tile; tiles show in `order`."""

        def decorator(compute):
            self.dashboard_tiles = [tile for tile in self.dashboard_tiles if tile.key != key]
            self.dashboard_tiles.append(DashboardTile(order, key, title, compute, icon))
            self.dashboard_tiles.sort()
            return compute

        return decorator

    def register_menu_item(self, order):
        def decorator(entry):
            self.menu_items.append(MenuItem(order, entry))
            self.menu_items.sort()
            return entry

        return decorator

    def register_public_area(self, area, *models):
        """The public pages of `area` (members.pagecache.public_page) show `models`: a
        write of any of them through the services renders those pages afresh."""
        for model in models:
            self.public_areas.setdefault(model._meta.label_lower, set()).add(area)


registry = Registry()


def autodiscover():
    autodiscover_modules("portal")
    autodiscover_modules("tiles")
