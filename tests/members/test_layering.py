"""`members` is the ground floor: it imports nothing from the apps above it, reaches none of
their tables through its models' reverse relations, and its templates load none of their tag
libraries. What those apps add to it comes through members.registry."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.backends.django import get_installed_libraries

import members

ABOVE = ("cooperation", "sanatoriums", "competitions")
MEMBERS_DIR = Path(members.__file__).parent
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "members"


def reverse_relations_from_above():
    """The names by which a members model reaches the apps above (`member.titles`)."""
    names = set()
    for model in apps.get_app_config("members").get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete and field.related_model is not None:
                if field.related_model._meta.app_label in ABOVE:
                    names.add(field.get_accessor_name())
                    names.add(field.name)
    return names


def _names_above(dotted):
    return dotted is not None and dotted.split(".")[0] in ABOVE


def reaches_above(source, relations):
    """What in a module's source imports an app above, names one by a dotted path (for
    import_string), or follows a reverse relation into one: a list of findings."""
    found = []
    lookup = re.compile(rf"^({'|'.join(map(re.escape, sorted(relations)))})(__|$)")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _names_above(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _names_above(node.module):
            found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(rf"({'|'.join(ABOVE)})(\.\w+)+", node.value):
                found.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr in relations:
            found.append(f".{node.attr}")
        elif isinstance(node, ast.Call) and relations:
            # ORM lookups: filter(titles__kind=…), prefetch_related("titles"), values(…)
            words = [kw.arg for kw in node.keywords if kw.arg]
            words += [a.value for a in node.args if isinstance(a, ast.Constant)]
            found += [w for w in words if isinstance(w, str) and lookup.match(w)]
    return found


def test_the_check_finds_each_kind_of_reach():
    relations = {"titles"}
    for source in (
        "import cooperation.models",
        "from competitions.models import Title",
        "from sanatoriums import demo",
        "import_string('cooperation.demo.seed')",
        "member.titles.all()",
        "Member.objects.filter(titles__kind='x')",
        "Member.objects.prefetch_related('titles')",
    ):
        assert reaches_above(source, relations), source
    assert not reaches_above(
        '"""The titles."""\nfrom members.models import Member\ncontext = {"titles": []}', relations
    )


def test_members_imports_nothing_from_the_apps_above():
    relations = reverse_relations_from_above()
    assert "titles" in relations  # competitions' titles point at members: the check is live
    modules = sorted(MEMBERS_DIR.rglob("*.py"))
    assert MEMBERS_DIR / "views.py" in modules
    found = {
        str(path.relative_to(MEMBERS_DIR)): hits
        for path in modules
        if (hits := reaches_above(path.read_text(encoding="utf-8"), relations))
    }
    assert found == {}


LOAD = re.compile(r"{%\s*load\s+(.*?)\s*%}")


def libraries_loaded(source):
    """The tag libraries a template loads (`{% load a b %}`, `{% load x from lib %}`)."""
    loaded = set()
    for names in LOAD.findall(source):
        words = names.split()
        loaded.update(words[words.index("from") + 1 :] if "from" in words else words)
    return loaded


def test_members_templates_load_no_tag_library_of_the_apps_above():
    libraries = get_installed_libraries()
    above = {name for name, module in libraries.items() if _names_above(module)}
    # The check is live: a library of an app above would be caught, members' own is not
    # (the apps' templates share members' `display` library for names, lists and dates).
    assert _names_above("competitions.templatetags.competitions")
    assert "display" in libraries and "display" not in above
    assert libraries_loaded("{% load i18n competitions %}{% load names from x %}") == {
        "i18n",
        "competitions",
        "x",
    }
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert templates
    found = {
        path.name: loaded
        for path in templates
        if (loaded := libraries_loaded(path.read_text(encoding="utf-8")) & above)
    }
    assert found == {}


def test_members_templates_follow_no_relation_into_the_apps_above():
    pattern = re.compile(rf"\.({'|'.join(sorted(reverse_relations_from_above()))})\b")
    assert pattern.search("{{ member.titles.all }}")
    found = {
        path.name: pattern.findall(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES_DIR.rglob("*.html"))
    }
    assert {name: hits for name, hits in found.items() if hits} == {}
