"""The shapes issue 9 asked for, kept: a search of the tree finds no object-permission check
typed beside the one answer (members.access and each app's rules.py), no `form.save()` in a
view, and no hand-rebuilt query string for page links."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["members", "cooperation", "sanatoriums", "competitions"]


def sources(pattern="*.py"):
    for app in APPS:
        for path in (ROOT / app).rglob(pattern):
            if "migrations" not in path.parts:
                yield path


def test_no_object_check_typed_outside_the_access_rules():
    typed = re.compile(
        r"\.(editable_by|for_user|updatable_by|decidable_by)\([^)]*\)\s*\.filter\(\s*pk="
    )
    found = [
        str(path.relative_to(ROOT))
        for path in sources()
        if path.name not in ("access.py", "rules.py") and typed.search(path.read_text())
    ]
    assert not found, f"ask user.has_perm(perm, obj) instead: {found}"


def test_no_form_save_in_a_view():
    found = [
        str(path.relative_to(ROOT))
        for path in sources("views.py")
        if re.search(r"\bform\.save\(|\.save_m2m\(", path.read_text())
    ]
    assert not found, f"views write through services: {found}"


def test_page_links_keep_filters_through_querystring():
    templates = list((ROOT / "templates").rglob("*.html"))
    assert templates
    found = [
        str(path.relative_to(ROOT))
        for path in templates
        if re.search(r"\?\{\{\s*query\b|page=\{\{", path.read_text())
    ]
    assert not found, f"use {{% querystring %}} (includes/pagination.html): {found}"


def test_the_searches_would_find_what_they_look_for(tmp_path):
    """The patterns above match the shapes they forbid (a guard against a pattern that can
    never match)."""
    typed = re.compile(
        r"\.(editable_by|for_user|updatable_by|decidable_by)\([^)]*\)\s*\.filter\(\s*pk="
    )
    assert typed.search("Member.objects.editable_by(request.user).filter(pk=member.pk).exists()")
    assert re.search(r"\bform\.save\(", "        member = form.save()")
    assert re.search(r"\?\{\{\s*query\b", 'href="?{{ query }}&page=2"')
