"""What every page wraps its content in — the share card, the static files and the
navigation of `base.html` — built in Python: `{% load portal_chrome %}`, then

- `{% asset "css/portal.css" %}`: what `{% static %}` says, looked up once per process;
- `{% share_card %}`: the description and share tags (`includes/share.html` says what they
  carry);
- `{% portal_navbar %}`: the header with the menu the user's permissions open, the language
  switch and the account menu.

Rendered by the template engine, this chrome cost 2.8 ms of CPU a page for a visitor and 4.2 ms
for staff (16 `{% url %}`, 11 `{% static %}`, some 30 translations, six permission checks, each
through several variable lookups), a third of an empty staff page; built here, 0.9 and 1.4 ms.
An address is reversed and a static file's name looked up once per process (neither changes
while it runs: the URLs carry no language prefix and the static files' manifest is read at
start), the texts are translated once per page, and the HTML is put together with
`format_html`, which escapes every value the way the template did.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import force_escape, striptags, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, pgettext

from members import links
from members.registry import registry

register = template.Library()

_assets: dict[str, str] = {}

#: Settings that change what `static()` answers (a test may change them).
_STATIC_SETTINGS = {"DEBUG", "STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_STORAGE"}


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in _STATIC_SETTINGS:
        _assets.clear()


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}`, looked up once: ManifestStaticFilesStorage looks the name up in its
    manifest and joins it to STATIC_URL on every call, and its answer is fixed while the
    process runs. A name missing from the manifest still raises, every time."""
    try:
        return _assets[path]
    except KeyError:
        _assets[path] = value = static(path)
        return value


def _summary(text: str) -> str:
    # The ellipsis is the language's ("…" in English, "..." in Chinese).
    return _summary_in(text, get_language())


@functools.lru_cache(maxsize=64)
def _summary_in(text: str, language: str) -> str:
    # A page's own description is new text on every page; the portal's are the same few.
    return force_escape(truncatechars(striptags(text), 200))


@register.simple_tag(takes_context=True)
def share_card(context):
    """The description and share tags of `includes/share.html`: `share_title` and
    `share_description` from the context (raw text, escaped here), else the portal's own."""
    site_name = gettext("Twin-City Union Cooperation Portal")
    default_description = gettext(
        'The Hangzhou–Ningbo "Twin Cities" cooperation of the municipal federations of trade '
        "unions."
    )
    description = _summary(str(context.get("share_description") or default_description))
    title = context.get("share_title") or site_name
    html = format_html(
        '\n  <meta name="description" content="{description}">'
        '\n  <meta property="og:type" content="website">'
        '\n  <meta property="og:site_name" content="{site_name}">'
        '\n  <meta property="og:title" content="{title}">'
        '\n  <meta property="og:description" content="{description}">'
        '\n  <meta property="og:locale" content="{locale}">',
        description=mark_safe(description),  # escaped by _summary
        site_name=site_name,
        # escape, not format_html's conditional escape: a title from `blocktranslate asvar`
        # is marked safe, and is raw text all the same.
        title=escape(title),
        locale="en_US" if context.get("LANGUAGE_CODE") == "en" else "zh_CN",
    )
    request = context.get("request")
    if request:
        html += format_html(
            '\n  <meta property="og:url" content="{}">'
            '\n  <meta property="og:image" content="{}://{}{}">'
            '\n  <meta property="og:image:width" content="512">'
            '\n  <meta property="og:image:height" content="512">'
            '\n  <meta property="og:image:alt" content="{}">',
            request.build_absolute_uri(),
            request.scheme,
            request.get_host(),
            asset("icons/share.png"),
            site_name,
        )
    return html


def _has(perms, perm: str) -> bool:
    # `perms` is the auth context processor's PermWrapper: `user.has_perm(perm)`.
    return perms is not None and perm in perms


@dataclass(frozen=True)
class Menu:
    """What a menu entry (members.registry.register_menu_item) decides from."""

    urls: Any
    perms: Any
    url_name: str
    app_name: str
    path: str  # inside the portal: under a script prefix (/portal/projects/) too

    def has(self, perm: str) -> bool:
        return _has(self.perms, perm)


def _menu(urls, request, perms):
    """(address, label, is it the page's section) of each menu entry the user may open: the
    home page, each app's entries (members.registry), and the members list."""
    match = getattr(request, "resolver_match", None)
    menu = Menu(
        urls=urls,
        perms=perms,
        url_name=getattr(match, "url_name", ""),
        app_name=getattr(match, "app_name", ""),
        path=getattr(request, "path_info", ""),
    )
    items = [(urls["home"], gettext("Home"), menu.url_name == "home")]
    items += [found for item in registry.menu_items if (found := item.entry(menu))]
    if menu.has("members.view_member"):
        items.append((urls["members:list"], gettext("Members"), menu.app_name == "members"))
    return items


def _active(flag: bool) -> str:
    return " active" if flag else ""


def _language_switch(urls, request, language_code):
    buttons = format_html_join(
        "",
        '\n            <button type="submit" name="language" value="{0}" lang="{0}"'
        ' class="btn btn-sm btn-outline-light text-nowrap">'
        '\n              <i class="bi bi-translate" aria-hidden="true"></i> {1}'
        "\n            </button>",
        (
            (code, get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
            if code != language_code
        ),
    )
    # No CSRF token: the switch only sets a cookie, and public pages are shared from the cache.
    return format_html(
        '\n        <form class="ms-auto me-2 order-xl-last ms-xl-3 me-xl-0" action="{}"'
        ' method="post">'
        '\n          <input type="hidden" name="next" value="{}">{}'
        "\n        </form>",
        urls["set_language"],
        request.get_full_path() if request else "",
        buttons,
    )


def _account_menu(urls, context, user, match):
    if not (user and user.is_authenticated):
        return format_html(
            '\n            <li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
            urls["login"],
            gettext("Sign in"),
        )
    inbox = gettext("Inbox")
    unread = context.get("inbox_unread")
    badge = (
        format_html(
            '<span class="badge rounded-pill text-bg-warning" data-inbox-unread>{}'
            '<span class="visually-hidden"> {}</span></span>',
            localize(unread),
            gettext("unread"),
        )
        if unread
        else ""
    )
    admin = (
        format_html(
            '\n                <li><a class="dropdown-item" href="{}">{}</a></li>',
            urls["admin:index"],
            gettext("Administration"),
        )
        if user.is_staff
        else ""
    )
    # A bell alone on a wide screen (the menu is one row); the word in the phone's menu.
    return format_html(
        '\n            <li class="nav-item">'
        '\n              <a class="nav-link{inbox_active}" href="{inbox_url}" data-inbox-link>'
        '\n                <i class="bi bi-bell" aria-hidden="true"></i>'
        ' <span class="d-xl-none">{inbox}</span>'
        '<span class="d-none d-xl-inline visually-hidden">{inbox}</span>'
        "\n                {badge}"
        "\n              </a>"
        "\n            </li>"
        '\n            <li class="nav-item dropdown">'
        '\n              <a class="nav-link dropdown-toggle" href="#" role="button"'
        ' data-bs-toggle="dropdown" aria-expanded="false">'
        '\n                <i class="bi bi-person-circle" aria-hidden="true"></i>'
        ' <span class="d-xl-none d-xxl-inline">{user}</span>'
        '<span class="d-none d-xl-inline d-xxl-none visually-hidden">{user}</span>'
        "\n              </a>"
        '\n              <ul class="dropdown-menu dropdown-menu-end">{admin}'
        '\n                <li><a class="dropdown-item" href="{password_url}">{password}</a></li>'
        '\n                <li><hr class="dropdown-divider"></li>'
        "\n                <li>"
        '\n                  <form action="{logout_url}" method="post">'
        "\n                    {csrf}"
        '\n                    <button type="submit" class="dropdown-item">{sign_out}</button>'
        "\n                  </form>"
        "\n                </li>"
        "\n              </ul>"
        "\n            </li>",
        inbox_active=_active(getattr(match, "app_name", "") == "inbox"),
        inbox_url=urls["inbox:list"],
        inbox=inbox,
        badge=badge,
        user=str(user),
        admin=admin,
        password_url=urls["password_change"],
        password=gettext("Change password"),
        logout_url=urls["logout"],
        csrf=CsrfTokenNode().render(context),
        sign_out=gettext("Sign out"),
    )


@register.simple_tag(takes_context=True)
def portal_navbar(context):
    """The page's header: the brand, the language switch, the menu and the account menu."""
    urls = links.ADDRESSES
    request = context.get("request")
    user = context.get("user")
    menu = format_html_join(
        "",
        '\n            <li class="nav-item"><a class="nav-link{}" href="{}">{}</a></li>',
        (
            (_active(active), href, label)
            for href, label, active in _menu(urls, request, context.get("perms"))
        ),
    )
    # The short brand on a phone and on a laptop (1200–1399 px, the menu shares its row).
    # The language switch stays outside the collapsed menu so that a phone shows it too.
    return format_html(
        "<header>"
        '\n    <nav class="navbar navbar-expand-xl navbar-dark portal-navbar" aria-label="{label}">'
        '\n      <div class="container">'
        '\n        <a class="navbar-brand fw-semibold" href="{home}">'
        '\n          <i class="bi bi-people-fill" aria-hidden="true"></i>'
        '\n          <span class="d-none d-sm-inline d-xl-none d-xxl-inline">{brand}</span>'
        '\n          <span class="d-sm-none d-xl-inline d-xxl-none">{short_brand}</span>'
        "\n        </a>{switch}"
        '\n        <button class="navbar-toggler" type="button" data-bs-toggle="collapse"'
        ' data-bs-target="#portal-nav"'
        '\n                aria-controls="portal-nav" aria-expanded="false" aria-label="{toggle}">'
        '\n          <span class="navbar-toggler-icon"></span>'
        "\n        </button>"
        '\n        <div class="collapse navbar-collapse" id="portal-nav">'
        '\n          <ul class="navbar-nav me-auto">{menu}'
        "\n          </ul>"
        '\n          <ul class="navbar-nav">{account}'
        "\n          </ul>"
        "\n        </div>"
        "\n      </div>"
        "\n    </nav>"
        "\n  </header>",
        label=gettext("Main navigation"),
        home=urls["home"],
        brand=gettext("Twin-City Union Cooperation"),
        short_brand=pgettext("short brand", "Twin Cities"),
        switch=_language_switch(urls, request, context.get("LANGUAGE_CODE")),
        toggle=gettext("Toggle navigation"),
        menu=menu,
        account=_account_menu(urls, context, user, getattr(request, "resolver_match", None)),
    )
