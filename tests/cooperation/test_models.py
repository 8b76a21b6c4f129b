"""The five commons, the agreement and the model rules behind the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from cooperation.commons import FIVE_COMMONS
from cooperation.models import Agreement, AgreementPhase, Pillar, Project
from members.scoping import user_scope
from tests.cooperation.factories import exe_upload, pdf_upload
from tests.factories import FederationFactory, OrganisationFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_data_migration_made_the_five_commons_in_order():
    assert list(Pillar.objects.values_list("key", flat=True)) == [
        "ideology",
        "rights",
        "skills",
        "wellbeing",
        "projects",
    ]
    skills = Pillar.objects.get(key="skills")
    assert (skills.name_zh, skills.name_en) == ("技能共同提升", "Joint skill improvement")
    assert all(c["description_zh"] and c["description_en"] for c in FIVE_COMMONS)


def test_a_common_shows_the_name_of_the_active_language():
    skills = Pillar.objects.get(key="skills")
    with translation.override("zh-hans"):
        assert str(skills) == "技能共同提升"
    with translation.override("en"):
        assert str(skills) == "Joint skill improvement"
        assert skills.description.startswith("Joint skill competitions")


def test_an_unknown_common_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.create(
            key="sports", position=6, icon="x", name_zh="体育", name_en="Sports",
            description_zh="-", description_en="-",
        )  # fmt: skip


def test_planned_end_before_start_is_refused_with_a_message(hz_project):
    hz_project.planned_end = hz_project.planned_start - datetime.timedelta(days=1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        hz_project.full_clean()
    assert raised.value.message_dict["planned_end"] == ["计划完成日期不能早于计划开始日期。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        hz_project.save()


def test_agreement_phase_dates_must_be_ordered(agreement):
    phase = AgreementPhase(
        agreement=agreement,
        name="建立机制",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):
        phase.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        phase.save()


def test_the_signed_document_is_checked_by_content(agreement):
    agreement.document = exe_upload("agreement.pdf")
    with pytest.raises(ValidationError) as raised:
        agreement.full_clean()
    assert "document" in raised.value.message_dict
    agreement.document = pdf_upload("协议.pdf")
    agreement.full_clean()


def test_a_third_federation_joins_by_data_alone(agreement, hz, hz_project):
    """Adding a party to the agreement makes the projects readable to its staff."""
    sh = FederationFactory(code="SH", name="上海市总工会")
    user = UserFactory(username="sh-staff")
    StaffProfileFactory(user=user, organisation=OrganisationFactory(federation=sh))
    assert not Project.objects.for_user(user).exists()
    agreement.parties.add(sh)
    user = type(user).objects.get(pk=user.pk)  # the scope is cached per user object
    assert hz.pk in user_scope(user).readable_federation_ids
    assert list(Project.objects.for_user(user)) == [hz_project]
    assert list(Agreement.objects.for_user(user)) == [agreement]
    assert not Project.objects.editable_by(user).exists()


def test_agreement_for_user_does_not_repeat_rows(hz_staff, agreement):
    # the user reads both parties: the join through parties must not double the agreement
    assert Agreement.objects.for_user(hz_staff).count() == 1


def test_changes_to_projects_are_kept_in_history(hz_project, hz_staff, nb, wz):
    before = hz_project.history.count()
    hz_project.title = "新标题"
    hz_project.save()
    hz_project.partner_federations.add(wz)
    record = hz_project.history.latest()
    assert record.title == "新标题"
    assert hz_project.history.count() == before + 2  # retitled, then a partner added
    assert set(record.partner_federations.values_list("federation", flat=True)) == {nb.pk, wz.pk}
