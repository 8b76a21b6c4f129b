"""Sanatorium bases through the one import mechanism (sanatoriums/imports.py): the same
pages, engine and command as the member roster, with the base's own rules."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from sanatoriums.models import Sanatorium, Theme
from sanatoriums.themes import ensure_themes
from tests.members.spreadsheets import upload
from tests.sanatoriums.factories import SanatoriumFactory

pytestmark = pytest.mark.django_db

HEADERS = ["名称", "区县", "地址", "星级", "床位数", "联系人", "联系电话", "认证日期", "主题"]


@pytest.fixture(autouse=True)
def themes(db):
    ensure_themes(Theme)


def base_row(n, **changes):
    row = {
        "名称": f"导入基地{n}",
        "区县": "淳安县",
        "地址": f"千岛湖镇{n}号",
        "星级": 4,
        "床位数": 120,
        "联系人": "王老师",
        "联系电话": "0571-87654321",
        "认证日期": "2024/5/1",
        "主题": Theme.objects.first().name_zh,
    }
    row.update(changes)
    return [row[h] for h in HEADERS]


def workbook(rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(client, content, **extra):
    return client.post(
        reverse("imports:start"),
        {"kind": "sanatoriums", "file": upload(content, "bases.xlsx"), **extra},
    )


def test_staff_import_bases_with_themes_and_history(client, hz_staff, hz):
    client.force_login(hz_staff)
    response = post(client, workbook([base_row(0), base_row(1)]))
    job = hz.import_jobs.get()
    assert response.url == job.get_absolute_url()
    assert job.status == "ready"
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
    base = Sanatorium.objects.get(name="导入基地0")
    assert base.federation == hz and base.stars == 4 and str(base.certified_on) == "2024-05-01"
    assert list(base.themes.all()) == [Theme.objects.first()]
    assert {h.history_user for h in base.history.all()} == {hz_staff}


@pytest.mark.parametrize(
    ("changes", "header", "words"),
    [
        ({"星级": 7}, "星级", "less than or equal to 5"),
        ({"星级": "很好"}, "星级", "whole number"),
        ({"联系电话": "12345"}, "联系电话", "landline"),
        ({"联系电话": ""}, "联系电话", "required"),
        ({"主题": "火星"}, "主题", "No theme"),
        ({"认证日期": "去年"}, "认证日期", "Not a date"),
    ],
)
def test_each_base_rule(hz, changes, header, words):
    from django.db import transaction

    from members import imports

    file = upload(workbook([base_row(0), base_row(1, **changes)]), "bases.xlsx")
    ctx = imports.Context(actor=None, federation=hz, update_existing=False)
    with translation.override("en"), transaction.atomic():
        outcome = imports.process(
            imports.get_spec("sanatoriums"), file, "xlsx", ctx=ctx, write=True
        )
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(3, header)]
    assert words in outcome.errors[0]["message"]
    assert not Sanatorium.objects.exists()


def test_a_name_in_use_needs_update_existing(tmp_path, hz):
    base = SanatoriumFactory(federation=hz, name="导入基地0", stars=2)
    path = tmp_path / "bases.xlsx"
    path.write_bytes(workbook([base_row(0, **{"星级": 5})]))
    with pytest.raises(CommandError) as raised:
        call_command("import_members", str(path), "--federation", "HZ", "--kind", "sanatoriums")
    assert raised.value.returncode == 1
    call_command(
        "import_members",
        str(path),
        "--federation",
        "HZ",
        "--kind",
        "sanatoriums",
        "--update-existing",
    )
    base.refresh_from_db()
    assert base.stars == 5


def test_the_same_name_twice_in_a_file(hz):
    from members import imports

    file = upload(workbook([base_row(0), base_row(0)]), "bases.xlsx")
    ctx = imports.Context(actor=None, federation=hz, update_existing=False)
    outcome = imports.process(imports.get_spec("sanatoriums"), file, "xlsx", ctx=ctx, write=False)
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(3, "名称")]


def test_a_partner_base_of_the_same_name_is_no_clash(client, nb_staff, hz):
    SanatoriumFactory(federation=hz, name="导入基地0")
    client.force_login(nb_staff)
    post(client, workbook([base_row(0)]))
    job = nb_staff.import_jobs.get()
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Sanatorium.objects.filter(name="导入基地0", federation__code="NB").exists()


def test_leaders_may_not_import_bases(client, hz_leader):
    client.force_login(hz_leader)
    assert client.get(reverse("imports:start"), {"kind": "sanatoriums"}).status_code == 403


def test_the_template_of_bases(client, hz_staff):
    from openpyxl import load_workbook

    client.force_login(hz_staff)
    response = client.get(reverse("imports:template"), {"kind": "sanatoriums"})
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    assert headers[:3] == ["名称", "区县", "地址"]


def test_the_manage_page_offers_the_import(client, hz_staff):
    client.force_login(hz_staff)
    response = client.get(reverse("sanatoriums:manage"))
    assert reverse("imports:start") + "?kind=sanatoriums" in response.text
