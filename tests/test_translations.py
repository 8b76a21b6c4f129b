"""The Chinese catalogue: complete, and carrying the messages of the libraries the portal
shows (django-axes, django-simple-history, Django's newer admin messages) that their own
catalogues lack or get wrong (config/locale_extra.py) — and keeping them when
`makemessages --no-obsolete` runs."""

import ast
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def library_messages():
    source = Path(settings.BASE_DIR, "config/locale_extra.py").read_text()
    return [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "gettext_noop"
    ]


def test_library_messages_are_translated():
    messages = library_messages()
    assert "access attempts" in messages and "Null characters are not allowed." in messages
    with translation.override("zh-hans"):
        untranslated = [m for m in messages if translation.gettext(m) == m]
    assert not untranslated, untranslated


def test_the_chinese_admin_names_third_party_models_in_chinese(client, superuser):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="nobody", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    index = client.get(reverse("admin:index")).content.decode()
    for english in ["Axes", "AXES", "Access attempts", "Access logs", "Access failures"]:
        assert f">{english}<" not in index, english
    for chinese in ["登录保护", "登录尝试", "登录日志", "登录失败记录"]:
        assert chinese in index, chinese
    assert "Model name" not in index
    changelist = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    for english in ["IP Address", "User Agent", "Failed Logins", "Attempt Time", "Status"]:
        assert english not in changelist, english
    assert "IP 地址" in changelist and "失败次数" in changelist
    # axes glues a number to "Attempt Remaining"; the portal's admin says it as a sentence
    left = settings.AXES_FAILURE_LIMIT - 1
    assert f"剩余 {left} 次尝试机会" in changelist


def _messages_tree(tmp_path):
    """A copy of the project's sources and catalogue, where makemessages may write."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    skip = {".venv", "node_modules", ".git", "media", ".test-media", "screenshots", "staticfiles"}
    shutil.copytree(
        root,
        copy,
        ignore=lambda folder, names: [
            n for n in names if n in skip or n.endswith((".sqlite3", ".mo", ".pyc"))
        ],
    )
    return copy


def _entries(option, po):
    """The msgids that `msgattrib OPTION` selects (the header left out)."""
    result = subprocess.run(
        ["msgattrib", option, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    msgids = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
    return msgids[1:]  # the first is the header's


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext is not installed")
def test_makemessages_keeps_every_message_translated(tmp_path):
    """Run as the README says (`makemessages --no-obsolete`): the library messages are
    kept, and no message is left untranslated or fuzzy."""
    copy = _messages_tree(tmp_path)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--ignore=.venv",
            "--ignore=node_modules",
            "--no-obsolete",
        ],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    po = copy / CATALOGUE
    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    kept = [m for m in library_messages() if catalogue.gettext(m) != m]
    assert kept == library_messages()
    assert not _entries("--untranslated", po)
    assert not _entries("--only-fuzzy", po)
