"""seed_demo's liaison: contacts at every level in both cities paired with counterparts, a
year of meetings at several levels, and action items open, overdue, done and dropped; a
second run adds nothing, and --scale adds earlier years."""

import pytest
from django.core.management import call_command
from django.db.models import F
from simple_history.utils import get_history_model_for_model

from cooperation.models import ActionItem, Contact, Meeting, MeetingOutcome

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Contact, Meeting, MeetingOutcome, ActionItem))


def test_demo_liaison(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for code in ("HZ", "NB"):
        levels = set(Contact.objects.filter(federation__code=code).values_list("level", flat=True))
        assert levels == set(Contact.Level.values), code
    assert not Contact.objects.filter(counterpart__isnull=True).exists()
    assert not Contact.objects.filter(counterpart__federation=F("federation")).exists()
    assert Meeting.objects.values("level").distinct().count() >= 4
    assert set(Meeting.objects.values_list("status", flat=True)) == set(Meeting.Status.values)
    assert set(Meeting.objects.values_list("host_federation__code", flat=True)) == {"HZ", "NB"}
    span = Meeting.objects.order_by("starts_at")
    assert (span.last().starts_at - span.first().starts_at).days >= 300
    assert set(MeetingOutcome.objects.values_list("kind", flat=True)) == set(
        MeetingOutcome.Kind.values
    )
    items = ActionItem.objects.with_overdue()
    assert items.filter(overdue=True).exists()
    assert items.filter(status="open", overdue=False).exists()
    assert items.filter(status="done").exists() and items.filter(status="dropped").exists()
    assert set(items.values_list("owner_federation__code", flat=True)) == {"HZ", "NB"}
    # Every record was written through the services: each has its history.
    history = get_history_model_for_model(ActionItem)
    assert history.objects.filter(history_change_reason="seed_demo").exists()


def test_demo_liaison_is_idempotent_and_scales(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    call_command("seed_demo", scale=2)
    contacts, meetings, outcomes, items = counts()
    assert contacts == first[0]  # one directory, whatever the scale
    assert (meetings, outcomes, items) == (2 * first[1], 2 * first[2], 2 * first[3])
