import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from cooperation.models import (
    ActionItem,
    Contact,
    Meeting,
    MeetingOutcome,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    Venue,
)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    pillar = factory.LazyFunction(lambda: Pillar.objects.get(key="skills"))
    title = factory.Sequence(lambda n: f"合作项目{n}")
    planned_start = datetime.date(2025, 3, 1)
    planned_end = datetime.date(2026, 12, 31)
    target_beneficiaries = 100
    actual_beneficiaries = 10

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_federations.add(*extracted)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"节点{n}")
    due_on = datetime.date(2030, 1, 1)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ProjectFactory)
    federation = factory.LazyAttribute(lambda o: o.project.lead_federation)
    happened_on = datetime.date(2025, 6, 1)
    text = factory.Sequence(lambda n: f"进展动态{n}")


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"职工学校{n}")
    kind = Venue.Kind.WORKER_SCHOOL
    address = "杭州市上城区解放路138号"


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="report.pdf", size=200):
    body = b"%PDF-1.4\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def exe_upload(name="photo.png"):
    """A Windows executable renamed to look like a picture."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")


# --- liaison ---


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    level = Contact.Level.DEPARTMENT
    department = "权益保障部"
    name = factory.Sequence(lambda n: f"对接人{n}")
    title = "部长"
    phone = factory.Sequence(lambda n: f"0571-8517{n:04d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")


def _meeting_start():
    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=7)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"对接会{n}")
    level = Meeting.Level.DEPARTMENT
    starts_at = factory.LazyFunction(_meeting_start)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "杭州市总工会 三楼会议室"
    agenda = "一、通报情况\n二、商定任务"


class MeetingOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = MeetingOutcome

    meeting = factory.SubFactory(MeetingFactory)
    kind = MeetingOutcome.Kind.TASK
    text = factory.Sequence(lambda n: f"会议任务{n}")


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    outcome = factory.SubFactory(MeetingOutcomeFactory)
    meeting = factory.LazyAttribute(lambda o: o.outcome.meeting)
    title = factory.LazyAttribute(lambda o: o.outcome.text)
    owner_federation = factory.LazyAttribute(lambda o: o.outcome.meeting.host_federation)
    due_on = datetime.date(2030, 1, 1)
