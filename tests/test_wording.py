"""How the portal writes in each language: names of federations, lists, dates, counts,
capitals, and the Chinese wording people expect (issue 10, items 1 to 3)."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from members.display import join_names, local_date, local_datetime
from members.models import Honour, Member, Organisation, User
from tests.competitions.factories import CompetitionFactory, EventFactory

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"


@pytest.fixture
def english_names(hz, nb):
    hz.name_en, hz.city_en = "Hangzhou Federation of Trade Unions", "Hangzhou"
    nb.name_en, nb.city_en = "Ningbo Federation of Trade Unions", "Ningbo"
    hz.save()
    nb.save()
    return hz, nb


def _get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- one way to name a federation ------------------------------------------------------------


def test_a_federation_is_named_in_the_active_language(english_names, wz):
    hz, _nb = english_names
    with translation.override(ZH):
        assert (hz.display_name, hz.display_city, hz.display_short) == (
            "杭州市总工会",
            "杭州",
            "杭",
        )
        assert str(hz) == "杭州市总工会"
    with translation.override(EN):
        assert hz.display_name == "Hangzhou Federation of Trade Unions"
        assert (hz.display_city, hz.display_short) == ("Hangzhou", "Hangzhou")
        assert str(hz) == "Hangzhou Federation of Trade Unions"
        # No English name entered: the full name stays Chinese (it is all there is), but the
        # short form of tables is the code, never a Chinese character.
        assert (wz.display_name, wz.display_short) == ("温州市总工会", "WZ")


def test_a_federations_own_office_is_named_like_the_federation(english_names):
    hz, _nb = english_names
    office = Organisation.objects.create(federation=hz, name=hz.name, kind="federation")
    union = Organisation.objects.create(federation=hz, name="西湖区总工会", kind="district")
    with translation.override(EN):
        assert office.display_name == str(office) == "Hangzhou Federation of Trade Unions"
        assert union.display_name == "西湖区总工会"
    with translation.override(ZH):
        assert office.display_name == "杭州市总工会"


def test_lists_are_joined_the_languages_way(english_names):
    with translation.override(ZH):
        assert join_names(english_names) == "杭州市总工会、宁波市总工会"
        assert join_names(english_names, "display_short") == "杭、甬"
    with translation.override(EN):
        assert join_names(english_names, "display_short") == "Hangzhou, Ningbo"
        template = Template("{% load display %}{{ feds|join_names }}")
        assert template.render(Context({"feds": english_names})) == (
            "Hangzhou Federation of Trade Unions, Ningbo Federation of Trade Unions"
        )


def test_english_pages_name_federations_in_english(client, english_names, hz_staff, agreement):
    from tests.cooperation.factories import ProgressUpdateFactory, ProjectFactory

    hz, nb = english_names
    project = ProjectFactory(agreement=agreement, lead_federation=hz, partners=[nb], is_public=True)
    ProgressUpdateFactory(project=project, is_public=True)
    client.force_login(hz_staff)
    for url in ["/", project.get_absolute_url(), agreement.get_absolute_url(), "/projects/"]:
        page = _get(client, url, EN)
        assert "杭州市总工会" not in page and "宁波市总工会" not in page, url
        assert ">杭<" not in page and ">甬<" not in page and "、" not in page, url
    assert "Hangzhou Federation of Trade Unions, Ningbo" in _get(
        client, agreement.get_absolute_url(), EN
    )


# --- dates -----------------------------------------------------------------------------------


def test_one_date_format_per_language():
    day = datetime.date(2027, 11, 11)
    moment = datetime.datetime(2027, 11, 11, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Shanghai
    with translation.override(ZH):
        assert local_date(day) == "2027年11月11日"
        assert local_datetime(moment) == "2027年11月11日 17:00"
        assert local_date(moment) == "2027年11月11日"
    with translation.override(EN):
        assert local_date(day) == "11 Nov 2027"
        assert local_datetime(moment) == "11 Nov 2027, 17:00"


def test_a_date_is_a_time_element_that_never_breaks():
    template = Template("{% load display %}{{ day|as_date }}|{{ moment|as_datetime }}")
    context = Context(
        {
            "day": datetime.date(2027, 11, 11),
            "moment": datetime.datetime(2027, 11, 11, 9, 0, tzinfo=datetime.UTC),
        }
    )
    with translation.override(ZH):
        assert template.render(context) == (
            '<time class="text-nowrap" datetime="2027-11-11">2027年11月11日</time>|'
            '<time class="text-nowrap" datetime="2027-11-11T17:00+08:00">'
            "2027年11月11日 17:00</time>"
        )


def test_no_template_writes_a_date_by_hand():
    """Every date goes through as_date / as_datetime: no ISO format, no format of its own."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\|\s*date\b", line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_queue_and_badges_show_local_dates(client, hz_approver, hz, nb):
    from sanatoriums.models import Recognition
    from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

    base = SanatoriumFactory(federation=nb)
    RecognitionFactory(
        sanatorium=base,
        federation=hz,
        status=Recognition.Status.APPROVED,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    client.force_login(hz_approver)
    for url in [reverse("sanatoriums:queue"), base.get_absolute_url()]:
        page = _get(client, url, ZH)
        assert "2027年12月31日" in page, url
        assert "2027-12-31</" not in page and "2027-12-31 " not in page, url


# --- counts, capitals and import-time labels -------------------------------------------------


def test_counts_agree_with_their_number(client, hz, nb):
    competition = CompetitionFactory(hosts=[hz, nb])
    EventFactory(competition=competition, min_years_in_job=1, cap_per_federation=1, title_top=1)
    page = _get(client, competition.get_absolute_url(), EN)
    assert "At least 1 year in the job" in page
    assert "Up to 1 entrant per federation" in page
    assert "1 years" not in page and "1 entrants" not in page
    directory = _get(client, reverse("sanatoriums:directory"), EN)
    assert "1 star or more" in directory and "2 stars or more" in directory


def import_time_translations(source):
    """Translated text that a module formats at module or class level, where it is
    translated once, when the module is imported: (line, code) for each."""
    tree = ast.parse(source)
    imported = [
        alias
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if "gettext" in alias.name
    ]
    names = {alias.asname or alias.name for alias in imported}
    eager = {
        alias.asname or alias.name
        for alias in imported
        if "lazy" not in alias.name and alias.name != "gettext_noop"
    }

    def calls(node, among):
        return [
            n
            for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in among
        ]

    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue  # runs per call, in the language of the request
            formatted = isinstance(child, ast.BinOp | ast.JoinedStr) and calls(child, names)
            if formatted or (isinstance(child, ast.Call) and calls(child, eager)):
                found.append((child.lineno, ast.unparse(child)[:80]))
            else:
                visit(child)

    visit(tree)
    return found


def test_labels_follow_the_language_of_the_request_not_of_the_import():
    """`%` or an f-string on a lazy label translates it once, when its module is imported
    (in Chinese, the default): no module of the portal does so at module or class level."""
    assert import_time_translations(
        "from django.utils.translation import gettext_lazy as _\nX = _('%(n)s MB') % {'n': 8}\n"
    )  # the check is live
    problems = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        parts = path.relative_to(settings.BASE_DIR).parts
        if parts[0] in {".venv", "node_modules", "tests"} or "migrations" in parts:
            continue
        for line, code in import_time_translations(path.read_text()):
            problems.append(f"{path}:{line}: {code}")
    assert not problems, "\n".join(problems)


def test_photo_help_text_is_in_the_language_of_the_request():
    from sanatoriums.forms import PhotoForm

    with translation.override(EN):
        assert str(PhotoForm().fields["image"].help_text).startswith("JPEG, PNG, GIF or WebP")
    with translation.override(ZH):
        assert "格式" in str(PhotoForm().fields["image"].help_text)


def test_badges_and_labels_start_with_a_capital_in_english(client, hz, nb, hz_staff, agreement):
    from tests.cooperation.factories import MilestoneFactory, ProjectFactory

    project = ProjectFactory(agreement=agreement, lead_federation=hz, status="in_progress")
    MilestoneFactory(project=project, due_on=timezone.localdate() + datetime.timedelta(days=9))
    client.force_login(hz_staff)
    page = _get(client, project.get_absolute_url(), EN)
    assert ">In progress<" in page and ">Open<" in page
    assert re.search(r'for="id_update-files"[^>]*>\s*Attachments\s*<', page)
    assert ">in progress<" not in page and ">open<" not in page


def test_history_names_the_system_with_a_capital(client, hz_staff, hz_member):
    client.force_login(hz_staff)
    page = _get(client, hz_member.get_absolute_url(), EN)
    assert "· System" in page or "System\n" in page or ">System<" in page
    assert "· system" not in page


# --- Chinese wording -------------------------------------------------------------------------


def test_a_persons_name_is_xingming_and_a_bodys_name_mingcheng(client, hz_staff):
    with translation.override(ZH):
        assert str(Member._meta.get_field("name").verbose_name) == "姓名"
        assert str(User._meta.get_field("name").verbose_name) == "姓名"
        assert str(Organisation._meta.get_field("name").verbose_name) == "名称"
    client.force_login(hz_staff)
    form = _get(client, reverse("members:create"), ZH)
    assert re.search(r'for="id_name"[^>]*>\s*姓名<', form)


def test_the_common_of_a_project_has_a_label_people_understand(client, hz_staff, agreement, hz):
    from tests.cooperation.factories import ProjectFactory

    project = ProjectFactory(agreement=agreement, lead_federation=hz)
    client.force_login(hz_staff)
    page = _get(client, project.get_absolute_url(), ZH)
    assert ">合作领域<" in page
    assert ">共<" not in page


def test_awards_and_pass_marks_are_written_as_people_write_them(client, hz, nb):
    competition = CompetitionFactory(hosts=[hz, nb])
    medals = EventFactory(
        competition=competition, name="电工", first_awards=1, second_awards=2, third_awards=3
    )
    prizes = EventFactory(
        competition=competition,
        name="焊工",
        award_scheme="prizes",
        first_awards=1,
        second_awards=2,
        third_awards=0,
    )
    with translation.override(ZH):
        assert join_names(medals.award_places) == "金奖 1 名、银奖 2 名、铜奖 3 名"
        assert join_names(prizes.award_places) == "一等奖 1 名、二等奖 2 名"
    with translation.override(EN):
        assert join_names(medals.award_places) == ("1 gold medal, 2 silver medals, 3 bronze medals")
    page = _get(client, competition.get_absolute_url(), ZH)
    assert "奖项：金奖 1 名、银奖 2 名、铜奖 3 名" in page
    assert "评分：理论知识 30%（合格分 60 分）、实际操作 70%（合格分 60 分）" in page
    assert "60.00" not in page and "(1 / 2 / 3)" not in page


def test_honours_read_as_one_word(client, hz_staff, hz_member):
    honour = Honour.objects.create(
        member=hz_member, kind="model_worker", level="national", year=2012
    )
    district = Honour(member=hz_member, kind="craftsman", level="district", year=2020)
    with translation.override(ZH):
        assert str(honour) == "全国劳动模范（2012）"
        assert str(district) == "区县级工匠（2020）"
    with translation.override(EN):
        assert str(honour) == "National model worker (2012)"
    client.force_login(hz_staff)
    assert "全国劳动模范（2012）" in _get(client, hz_member.get_absolute_url(), ZH)


@pytest.mark.parametrize(
    ("role", "note"),
    [
        ("hz_staff", "其他市总工会会员的身份证号码和手机号码已做脱敏处理"),
        ("hz_leader", "身份证号码和手机号码已做脱敏处理"),
        ("superuser", None),
    ],
)
def test_the_member_list_says_what_is_masked_for_its_reader(
    client, request, hz_member, nb_member, role, note
):
    client.force_login(request.getfixturevalue(role))
    page = _get(client, reverse("members:list"), ZH)
    if note is None:
        assert "脱敏" not in page
    else:
        assert note in page
        if role == "hz_leader":
            assert "其他市总工会会员" not in page  # the leader sees their own masked too
            assert hz_member.id_number not in page


def test_a_nul_character_is_named_for_what_it_is(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH
    response = client.post(reverse("login"), {"username": "hz\x00staff", "password": "x"})
    page = response.content.decode()
    assert "不能包含空字符" in page
    assert "空字符串" not in page


# --- sensible maximums -----------------------------------------------------------------------


NOT_TYPED = {"cooperation.Attachment.size"}  # measured from the uploaded file


def test_every_number_a_user_types_has_a_sensible_maximum():
    """An integer field without its own maximum is checked against the database's range, and
    a too-large number is answered with 9223372036854775807 (SQLite) or 2147483647."""
    from django.apps import apps

    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in {"members", "cooperation", "sanatoriums", "competitions"}:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.IntegerField) or isinstance(field, models.AutoField):
                continue
            if not field.editable or model.__name__.startswith("Historical"):
                continue
            if f"{model._meta.label}.{field.name}" in NOT_TYPED:
                continue
            limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
            if not limits or min(limits) >= 2**31 - 1:
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, missing


def test_a_too_large_number_is_refused_with_a_readable_limit(client, hz_staff):
    client.force_login(hz_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH
    response = client.post(
        reverse("sanatoriums:create"), {"name": "x", "beds": "99999999999999999999"}
    )
    page = response.content.decode()
    assert "9223372036854775807" not in page and "2147483647" not in page
    assert "确保该值小于或等于10000" in page
