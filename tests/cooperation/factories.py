import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from cooperation.models import Milestone, Pillar, ProgressUpdate, Project, Venue


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
