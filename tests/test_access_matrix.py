"""Every address of the portal, for every role, against records of the user's own federation
(杭州), a partner (宁波) and a third federation with no agreement (温州): reads and writes are
allowed exactly where the one rule says (members.access: `user.has_perm(perm, obj)`, and the
public querysets for pages anyone may open).

The routes are walked from `get_resolver()`, admin pages included (changelist, add, change,
delete, history and version pages of every registered model). A route that is not in the table
below fails the test, so a new page must say who may open it. Each request runs in a savepoint
that is rolled back: a write that goes through does not change what the next request sees.

A response counts as refused when it answers 403 or 404, sends the user to a sign-in page, or
(the admin's way for an object outside the user's scope) back to the admin's index.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from competitions.models import Competition, Entry, Score, Title
from cooperation.models import Attachment, CalendarFeed, Pillar, Project, ReferralAttachment
from members.access import may_create
from members.models import Honour, ImportJob, Notification, Role, User
from sanatoriums.models import Recognition, Sanatorium
from tests.competitions.factories import CompetitionFactory, EntryFactory, EventFactory
from tests.cooperation.factories import (
    ActionItemFactory,
    ContactFactory,
    MeetingFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    VenueFactory,
)
from tests.cooperation.referral_factories import ReferralFactory
from tests.factories import AgreementFactory, MemberFactory, UserFactory
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

Rule = Callable[..., bool]


def perm(name: str) -> Rule:
    return lambda user, obj: user.has_perm(name, obj)


def public(user, obj):
    return True


def signed_in(user, obj):
    return user.is_authenticated


@dataclass(frozen=True)
class Route:
    """Who may GET and who may POST a route; `record` names the object in its address.
    None for a method means the route does not serve it (not requested)."""

    record: str | None = None
    get: Rule | None = None
    post: Rule | None = None


def _project_readable(user, project):
    return project.is_public or user.has_perm("cooperation.view_project", project)


def _updates_allowed(user, project):
    return (
        user.has_perm("cooperation.add_progressupdate")
        and Project.objects.updatable_by(user).filter(pk=project.pk).exists()
    )


def _attachment_readable(user, attachment):
    return Attachment.objects.readable_by(user).filter(pk=attachment.pk).exists()


def _base_readable(user, base):
    return Sanatorium.objects.active().filter(pk=base.pk).exists() or user.has_perm(
        "sanatoriums.view_sanatorium", base
    )


def _competition_visible(user, competition):
    return Competition.objects.visible_to(user).filter(pk=competition.pk).exists()


def _published_entry(user, entry):
    return Entry.objects.filter(
        pk=entry.pk, event__competition__status=Competition.Status.PUBLISHED
    ).exists()


def _judges(user, event):
    return event.judges.filter(pk=user.pk, staff_profile__role=Role.JUDGE).exists()


def _can_enter(user, competition):
    return user.has_perm("competitions.add_entry") and user.has_perm(
        "competitions.change_competition", competition
    )


def _decides(user, recognition):
    """Invariant 1: only an approver of the recognising federation decides, administrators
    included in "only" (they have no federation)."""
    return Recognition.objects.decidable_by(user).filter(pk=recognition.pk).exists()


def _proposes(user, base):
    return user.has_perm("sanatoriums.add_recognition") and user.has_perm(
        "sanatoriums.change_sanatorium", base
    )


def _places_and(name):
    """Adding a route to a base (a batch to a route): the record is the user's to change."""
    parent = {"sanatoriums.add_route": "sanatoriums.change_sanatorium"}
    return lambda user, obj: (
        user.has_perm(name) and user.has_perm(parent.get(name, "sanatoriums.change_route"), obj)
    )


def _books(user, batch):
    return user.has_perm("sanatoriums.view_batch", batch) and may_create(
        user, "sanatoriums.add_booking"
    )


def _own_federation_and(name):
    """Creating a record on a page (members.access.may_create)."""
    return lambda user, obj: may_create(user, name)


ROUTES: dict[str, Route] = {
    "home": Route(get=public),
    "healthz": Route(get=public),
    "favicon": Route(get=public),  # a redirect to the static icon
    "login": Route(get=public),
    "logout": Route(),  # POST signs out whoever asks: nothing to protect
    "password_change": Route(get=signed_in),
    "password_change_done": Route(get=signed_in),
    "set_language": Route(),  # a cookie for whoever asks
    "photo_file": Route(),  # by exact stored name: tests/test_file_serving.py
    # members
    "members:list": Route(get=perm("members.view_member")),
    "members:create": Route(
        get=_own_federation_and("members.add_member"),
        post=_own_federation_and("members.add_member"),
    ),
    "members:detail": Route("member", get=perm("members.view_member")),
    "members:update": Route(
        "member", get=perm("members.change_member"), post=perm("members.change_member")
    ),
    # --- excel --- imports (one set of pages for every kind) and exports
    "members:export": Route(get=perm("members.view_member")),
    "imports:start": Route(
        get=_own_federation_and("members.add_member"),
        post=_own_federation_and("members.add_member"),
    ),
    "imports:template": Route(get=_own_federation_and("members.add_member")),
    "imports:job": Route("importjob", get=perm("members.change_importjob")),
    "imports:job_status": Route("importjob", get=perm("members.change_importjob")),
    "imports:job_errors": Route("importjob", get=perm("members.change_importjob")),
    "imports:job_confirm": Route("importjob", post=perm("members.change_importjob")),
    "cooperation:projects_export": Route(get=perm("cooperation.view_project")),
    # cooperation
    "cooperation:projects": Route(get=perm("cooperation.view_project")),
    "cooperation:project_create": Route(
        get=_own_federation_and("cooperation.add_project"),
        post=_own_federation_and("cooperation.add_project"),
    ),
    "cooperation:project": Route("project", get=_project_readable),
    "cooperation:project_update": Route(
        "project",
        get=perm("cooperation.change_project"),
        post=perm("cooperation.change_project"),
    ),
    "cooperation:project_status": Route("project", post=perm("cooperation.change_project")),
    "cooperation:milestone_add": Route("project", post=perm("cooperation.change_project")),
    "cooperation:update_add": Route("project", post=_updates_allowed),
    "cooperation:milestone_update": Route(
        "milestone",
        get=perm("cooperation.change_milestone"),
        post=perm("cooperation.change_milestone"),
    ),
    "cooperation:milestone_done": Route("milestone", post=perm("cooperation.change_milestone")),
    "cooperation:attachment": Route("attachment", get=_attachment_readable),
    "cooperation:agreement": Route("agreement", get=perm("cooperation.view_agreement")),
    "cooperation:agreement_document": Route("agreement", get=perm("cooperation.view_agreement")),
    "cooperation:venues": Route(get=perm("cooperation.view_venue")),
    "cooperation:venue_create": Route(
        get=_own_federation_and("cooperation.add_venue"),
        post=_own_federation_and("cooperation.add_venue"),
    ),
    "cooperation:venue": Route("venue", get=perm("cooperation.view_venue")),
    "cooperation:venue_update": Route(
        "venue", get=perm("cooperation.change_venue"), post=perm("cooperation.change_venue")
    ),
    "cooperation:dashboard": Route(get=perm("cooperation.view_dashboard")),
    "cooperation:dashboard_export": Route(get=perm("cooperation.view_dashboard")),
    # --- liaison ---
    "cooperation:meetings": Route(get=perm("cooperation.view_meeting")),
    "cooperation:meeting_create": Route(
        get=_own_federation_and("cooperation.add_meeting"),
        post=_own_federation_and("cooperation.add_meeting"),
    ),
    "cooperation:meeting": Route("meeting", get=perm("cooperation.view_meeting")),
    "cooperation:meeting_update": Route(
        "meeting", get=perm("cooperation.change_meeting"), post=perm("cooperation.change_meeting")
    ),
    "cooperation:meeting_held": Route("meeting", post=perm("cooperation.change_meeting")),
    "cooperation:meeting_cancel": Route("meeting", post=perm("cooperation.change_meeting")),
    "cooperation:outcome_add": Route("meeting", post=perm("cooperation.add_meetingoutcome")),
    "cooperation:meeting_minutes": Route("meeting", get=perm("cooperation.view_meeting")),
    "cooperation:meeting_ics": Route("meeting", get=perm("cooperation.view_meeting")),
    "cooperation:contacts": Route(get=perm("cooperation.view_contact")),
    "cooperation:contacts_export": Route(get=perm("cooperation.view_contact")),  # --- excel ---
    "cooperation:contact_create": Route(
        get=_own_federation_and("cooperation.add_contact"),
        post=_own_federation_and("cooperation.add_contact"),
    ),
    "cooperation:contact_update": Route(
        "contact", get=perm("cooperation.change_contact"), post=perm("cooperation.change_contact")
    ),
    "cooperation:action_items": Route(get=perm("cooperation.view_actionitem")),
    "cooperation:action_item_status": Route(
        "action_item", post=perm("cooperation.change_actionitem")
    ),
    "cooperation:calendar": Route(get=signed_in),
    "cooperation:calendar_regenerate": Route(post=signed_in),
    "cooperation:calendar_revoke": Route(post=signed_in),
    # The token is the credential (a calendar program does not sign in): a wrong one is a
    # 404, tests/cooperation/test_liaison_calendar.py.
    "cooperation:calendar_feed": Route("calendar_feed", get=public),
    # --- referrals ---
    # Confidential: the staff and approvers of the two federations involved, nobody else
    # (leaders see the counts on the list's address).
    "cooperation:referrals": Route(get=perm("cooperation.count_referrals")),
    "cooperation:referral_create": Route(
        get=_own_federation_and("cooperation.add_referral"),
        post=_own_federation_and("cooperation.add_referral"),
    ),
    "cooperation:referral": Route("referral", get=perm("cooperation.view_referral")),
    "cooperation:referral_accept": Route("referral", post=perm("cooperation.decide_referral")),
    "cooperation:referral_decline": Route("referral", post=perm("cooperation.decide_referral")),
    "cooperation:referral_forward": Route("referral", post=perm("cooperation.decide_referral")),
    "cooperation:referral_resolve": Route("referral", post=perm("cooperation.resolve_referral")),
    "cooperation:referral_close": Route("referral", post=perm("cooperation.resolve_referral")),
    "cooperation:referral_withdraw": Route("referral", post=perm("cooperation.change_referral")),
    "cooperation:referral_attachment": Route(
        "referral_attachment", get=perm("cooperation.view_referralattachment")
    ),
    # the inbox: each user's own
    "inbox:list": Route(get=signed_in),
    "inbox:read": Route("notification", post=lambda user, note: user.pk == note.recipient_id),
    "inbox:read_all": Route(post=signed_in),
    # sanatoriums
    "sanatoriums:directory": Route(get=public),
    "sanatoriums:detail": Route("sanatorium", get=_base_readable),
    "sanatoriums:manage": Route(get=perm("sanatoriums.view_sanatorium")),
    "sanatoriums:create": Route(
        get=_own_federation_and("sanatoriums.add_sanatorium"),
        post=_own_federation_and("sanatoriums.add_sanatorium"),
    ),
    "sanatoriums:update": Route(
        "sanatorium",
        get=perm("sanatoriums.change_sanatorium"),
        post=perm("sanatoriums.change_sanatorium"),
    ),
    "sanatoriums:photo_upload": Route("sanatorium", post=perm("sanatoriums.change_sanatorium")),
    "sanatoriums:photo_delete": Route("photo", post=perm("sanatoriums.change_sanatorium")),
    "sanatoriums:propose": Route("sanatorium", post=_proposes),
    "sanatoriums:queue": Route(get=perm("sanatoriums.view_recognition")),
    "sanatoriums:decide": Route("recognition", get=_decides, post=_decides),
    "sanatoriums:revoke": Route("recognition", post=_decides),
    # competitions
    "competitions:list": Route(get=public),
    "competitions:judging": Route(get=signed_in),
    "competitions:judging_sheet": Route("event", get=_judges, post=_judges),
    "competitions:entry_withdraw": Route("entry", post=perm("competitions.change_entry")),
    "competitions:certificate": Route("entry", get=_published_entry),
    "competitions:detail": Route("competition", get=_competition_visible),
    "competitions:rules": Route("competition", get=lambda u, o: False),  # no rules file: 404
    "competitions:results": Route("competition", get=_competition_visible),
    "competitions:results_export": Route("competition", get=_competition_visible),
    "competitions:entries": Route(
        "competition",
        get=lambda u, c: (
            u.has_perm("competitions.view_entry")
            and Competition.objects.for_user(u).filter(pk=c.pk).exists()
        ),
    ),
    "competitions:entry_create": Route("competition", get=_can_enter, post=_can_enter),
    "competitions:advance": Route("competition", post=perm("competitions.change_competition")),
    # --- places ---
    "sanatoriums:batches": Route(get=perm("sanatoriums.view_batch")),
    "sanatoriums:route_create": Route(
        "sanatorium",
        get=_places_and("sanatoriums.add_route"),
        post=_places_and("sanatoriums.add_route"),
    ),
    "sanatoriums:route_update": Route(
        "route", get=perm("sanatoriums.change_route"), post=perm("sanatoriums.change_route")
    ),
    "sanatoriums:batch_create": Route(
        "route", get=_places_and("sanatoriums.add_batch"), post=_places_and("sanatoriums.add_batch")
    ),
    "sanatoriums:batch": Route("batch", get=perm("sanatoriums.view_batch")),
    "sanatoriums:batch_update": Route(
        "batch", get=perm("sanatoriums.change_batch"), post=perm("sanatoriums.change_batch")
    ),
    "sanatoriums:allocate": Route("batch", post=perm("sanatoriums.change_batch")),
    "sanatoriums:batch_status": Route("batch", post=perm("sanatoriums.change_batch")),
    "sanatoriums:participants": Route("batch", get=perm("sanatoriums.view_batch")),
    "sanatoriums:bookings": Route(get=perm("sanatoriums.view_booking")),
    "sanatoriums:bookings_export": Route(get=perm("sanatoriums.view_booking")),  # --- excel ---
    "sanatoriums:booking_create": Route("batch", get=_books, post=_books),
    "sanatoriums:booking": Route("booking", get=perm("sanatoriums.view_booking")),
    "sanatoriums:booking_participants": Route("booking", post=perm("sanatoriums.change_booking")),
    "sanatoriums:booking_confirm": Route("booking", post=perm("sanatoriums.change_booking")),
    "sanatoriums:booking_cancel": Route("booking", post=perm("sanatoriums.change_booking")),
    "sanatoriums:feedback": Route("booking", post=perm("sanatoriums.change_booking")),
}

# Addresses whose answer depends on the state of the record rather than on access alone are
# checked in their own tests; here only that no one outside the rule gets through.
STATEFUL = {"competitions:results", "competitions:results_export"}

ROLES = ["anonymous", "hz_staff", "hz_approver", "hz_leader", "hz_judge", "wz_staff", "superuser"]
FEDERATIONS = ["HZ", "NB", "WZ"]


# --- the records --------------------------------------------------------------------------


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(hz, nb, wz, hz_org, nb_org, wz_org, agreement, hz_judge, hz_staff, hz_approver, wz_staff):
    """For each federation code: one record of every kind, by the name routes use."""
    from sanatoriums.services import photo_store

    Pillar.objects.ensure()
    wz_agreement = AgreementFactory(title="温州协议", parties=[wz])
    for signed in (agreement, wz_agreement):
        signed.document = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n" + b"0" * 50)
        signed.save()
    feds = {"HZ": hz, "NB": nb, "WZ": wz}
    orgs = {"HZ": hz_org, "NB": nb_org, "WZ": wz_org}
    agreements = {"HZ": agreement, "NB": agreement, "WZ": wz_agreement}
    partner = {"HZ": nb, "NB": hz, "WZ": hz}
    world = {}
    for code, federation in feds.items():
        member = MemberFactory(organisation=orgs[code])
        honour = Honour.objects.create(
            member=member, kind=Honour.Kind.values[0], level=Honour.Level.values[0], year=2024
        )
        project = ProjectFactory(
            agreement=agreements[code],
            lead_federation=federation,
            partners=[partner[code]] if code != "WZ" else [],
        )
        update = ProgressUpdateFactory(project=project)
        attachment = Attachment.objects.create(
            update=update,
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 50),
            original_name="a.pdf",
            kind=Attachment.Kind.PDF,
            content_type="application/pdf",
            size=59,
        )
        base = SanatoriumFactory(federation=federation)
        photo = photo_store(actor=None, sanatorium=base, image=Image.open(io.BytesIO(_jpeg())))
        competition = CompetitionFactory(hosts=[federation])
        event = EventFactory(competition=competition)
        if code == "HZ":
            event.judges.add(hz_judge)
        entry = EntryFactory(event=event, member=member, federation=federation)
        score = Score.objects.create(
            entry=entry, part=event.parts.first(), judge=hz_judge, value=80
        )
        meeting = MeetingFactory(
            host_federation=federation,
            minutes_file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n" + b"0" * 50),
            minutes_file_name="minutes.pdf",
        )
        title = Title.objects.create(
            member=member,
            federation=federation,
            entry=entry,
            kind=event.TitleKind.TECHNICAL_EXPERT,
            granted_on=datetime.date(2025, 1, 1),
        )
        # A referral addressed to this federation (温州's from 宁波: no 杭州 user is involved).
        referral, referral_attachment = _referral(nb if code == "WZ" else partner[code], federation)
        world[code] = {
            "referral": referral,
            "referral_attachment": referral_attachment,
            "member": member,
            "project": project,
            "milestone": MilestoneFactory(project=project),
            "attachment": attachment,
            "update": update,
            "agreement": agreements[code],
            "venue": VenueFactory(federation=federation),
            # --- liaison ---
            "contact": ContactFactory(federation=federation),
            "meeting": meeting,
            "action_item": ActionItemFactory(outcome__meeting=meeting),
            "calendar_feed": CalendarFeed.objects.create(
                user=UserFactory(username=f"feed-{code.lower()}"), token=f"feed-token-{code}"
            ),
            "sanatorium": base,
            "photo": photo,
            # A proposal addressed to this federation, about another federation's base.
            "recognition": RecognitionFactory(
                sanatorium=SanatoriumFactory(federation=partner[code]),
                federation=federation,
            ),
            "competition": competition,
            "event": event,
            "entry": entry,
            "score": score,
            "title": title,
            "honour": honour,
            "organisation": orgs[code],
            "federation": federation,
            # --- excel ---
            "importjob": ImportJob.objects.create(
                kind="members",
                federation=federation,
                original_name="roster.csv",
                file=SimpleUploadedFile("roster.csv", "姓名\n张三\n".encode()),
                file_kind="csv",
                status=ImportJob.Status.INVALID,
            ),
        }
        world[code].update(_places_records(base, federation, orgs[code], member))
    # --- referrals ---
    # Each a notification of one of the signed-in users of the matrix.
    for code, username in (("HZ", "hz-staff"), ("NB", "hz-approver"), ("WZ", "wz-staff")):
        world[code]["notification"] = Notification.objects.create(
            recipient=User.objects.get(username=username),
            event_key=f"matrix:{code}",
            subject="测试通知",
            url="/",
        )
    return world


def _referral(sender, receiver):
    """A referral from `sender` to `receiver`, with an attachment."""
    referral = ReferralFactory(from_federation=sender, to_federation=receiver)
    attachment = ReferralAttachment.objects.create(
        referral=referral,
        file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n" + b"0" * 50),
        original_name="r.pdf",
        size=59,
    )
    return referral, attachment


def _places_records(base, federation, organisation, member):
    """A route, batch, allocation, booking with a participant, and feedback on a base."""
    from sanatoriums.models import Allocation, Booking, Feedback, Participant
    from tests.sanatoriums.factories import BatchFactory, RouteFactory

    route = RouteFactory(sanatorium=base)
    batch = BatchFactory(route=route)
    allocation = Allocation.objects.create(batch=batch, federation=federation, places=20)
    booking = Booking.objects.create(batch=batch, organisation=organisation, headcount=5)
    participant = Participant.objects.create(booking=booking, member=member)
    feedback = Feedback.objects.create(participant=participant, rating=5)
    return {
        "route": route,
        "batch": batch,
        "allocation": allocation,
        "booking": booking,
        "participant": participant,
        "feedback": feedback,
    }


def _users(request):
    from django.contrib.auth.models import AnonymousUser

    users = {"anonymous": AnonymousUser()}
    for role in ROLES[1:]:
        users[role] = request.getfixturevalue(role)
    return users


def _kwargs(pattern_name, route, record):
    if route.record is None:
        return {}
    if pattern_name == "competitions:certificate":
        return {"token": record.certificate_token}
    if pattern_name == "cooperation:calendar_feed":
        return {"token": record.token}
    if pattern_name == "sanatoriums:photo_delete":
        return {"pk": record.sanatorium_id, "photo_pk": record.pk}
    return {"pk": record.pk}


def _refused(response):
    if response.status_code in (403, 404):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return (
            "/accounts/login/" in location
            or "/admin/login/" in location
            or location.rstrip("/").endswith("/admin")
        )
    return False


def _ask(client, method, url, data=None):
    """One request in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def _portal_routes():
    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns == "admin":
                    continue
                yield from walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_portal_route_says_who_may_open_it():
    missing = [name for name in _portal_routes() if name not in ROUTES]
    assert not missing, f"routes missing from the access table: {missing}"
    gone = [name for name in ROUTES if name not in _portal_routes()]
    assert not gone, f"routes in the table that no longer exist: {gone}"


def _check(client, users, world, names):
    mismatches = []
    for name in names:
        route = ROUTES[name]
        for method, rule in (("get", route.get), ("post", route.post)):
            if rule is None:
                continue
            for role, user in users.items():
                for code in FEDERATIONS if route.record else [None]:
                    record = world[code][route.record] if code else None
                    url = reverse(name, kwargs=_kwargs(name, route, record))
                    if role == "anonymous":
                        client.logout()
                    else:
                        client.force_login(user)
                    expected = rule(user, record)
                    response = _ask(client, method, url)
                    allowed = not _refused(response)
                    if name in STATEFUL and allowed and not expected:
                        mismatches.append((method, name, role, code, response.status_code))
                    elif name not in STATEFUL and allowed != expected:
                        mismatches.append(
                            (method.upper(), name, role, code, expected, response.status_code)
                        )
    return mismatches


@pytest.mark.parametrize(
    "app", ["", "members", "imports", "cooperation", "sanatoriums", "competitions", "inbox"]
)
def test_portal_routes_follow_the_one_rule(client, request, world, app):
    names = [n for n in ROUTES if (n.split(":")[0] if ":" in n else "") == app]
    assert names
    mismatches = _check(client, _users(request), world, names)
    assert not mismatches, "\n".join(map(str, mismatches))


# --- the admin ----------------------------------------------------------------------------


def _admin_records(world, model):
    found = {}
    for code in FEDERATIONS:
        for record in world[code].values():
            if type(record) is model:
                found[code] = record
    return found


def _as_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_signed_in(user):
    return user.is_authenticated and admin.site.has_permission(_as_request(user))


def _in_scope(model_admin, user, obj):
    return model_admin.get_queryset(_as_request(user)).filter(pk=obj.pk).exists()


def _admin_expectations(model_admin, user, obj):
    """(kind, method, expected) for each admin page of `obj` (or of the model, obj None)."""
    request = _as_request(user)
    inside = _admin_signed_in(user)
    if obj is None:
        return [
            ("changelist", "get", inside and model_admin.has_view_or_change_permission(request)),
            ("add", "get", inside and model_admin.has_add_permission(request)),
        ]
    readable = inside and _in_scope(model_admin, user, obj)
    view = readable and model_admin.has_view_or_change_permission(request, obj)
    change = readable and model_admin.has_change_permission(request, obj)
    delete = readable and model_admin.has_delete_permission(request, obj)
    rows = [
        ("change", "get", view),
        ("change", "post", change),
        ("delete", "get", delete),
        ("delete", "post", delete),
    ]
    if hasattr(model_admin, "history_form_view"):
        rows += [
            ("history", "get", view),
            ("version", "get", view),
            ("version", "post", False),  # history is never written back
        ]
    else:
        rows.append(("history", "get", view))
    return rows


def _admin_url(model, kind, obj):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if kind in ("changelist", "add"):
        return reverse(f"{info}_{kind}")
    if kind == "version":
        version = obj.history.latest("history_date")
        return reverse(f"{info}_simple_history", args=[obj.pk, version.history_id])
    return reverse(f"{info}_{kind}", args=[obj.pk])


def test_admin_site_is_the_portals():
    from members.admin_site import PortalAdminSite

    assert admin.site.name == "admin"  # resolves the lazy default site
    assert isinstance(admin.site._wrapped, PortalAdminSite)


ADMIN_APPS = ["members", "cooperation", "sanatoriums", "competitions"]


@pytest.mark.parametrize("app", ADMIN_APPS)
def test_admin_pages_follow_the_one_rule(client, request, world, app):
    users = _users(request)
    mismatches, asked = [], 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != app:
            continue
        records = _admin_records(world, model)
        for role, user in users.items():
            if role == "anonymous":
                client.logout()
            else:
                client.force_login(user)
            targets = [(None, None)] + list(records.items())
            for code, obj in targets:
                for kind, method, expected in _admin_expectations(model_admin, user, obj):
                    url = _admin_url(model, kind, obj)
                    data = {"post": "yes"} if kind == "delete" and method == "post" else None
                    response = _ask(client, method, url, data)
                    asked += 1
                    if (not _refused(response)) != expected:
                        mismatches.append(
                            (method.upper(), url, role, code, expected, response.status_code)
                        )
    assert asked > 50
    assert not mismatches, "\n".join(map(str, mismatches))


def test_the_matrix_has_records_for_every_scoped_admin(world):
    from members.admin_scoping import FederationScopedAdmin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, FederationScopedAdmin):
            assert set(_admin_records(world, model)) == set(FEDERATIONS), model


# --- beside the pages: lookups, filter sidebars and media paths, for every role --------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_lookups_sidebars_and_media_for_every_role(client, request, world, role):
    """No role reaches a personal number through a changelist lookup (administrators see
    them in full anyway), no changelist's filter sidebar names a record the role cannot read,
    and no /media/ address serves a private file."""
    user = _users(request)[role]
    if role != "anonymous":
        client.force_login(user)
    member_list = reverse("admin:members_member_changelist")
    lookup = client.get(
        f"{member_list}?id_number__startswith={world['NB']['member'].id_number[:4]}"
    )
    if role == "superuser":
        assert lookup.status_code == 200
    else:
        assert _refused(lookup) or lookup.status_code == 400, lookup.status_code

    third = world["WZ"]
    names = [third["competition"].title, third["event"].name, third["project"].title]
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if response.status_code == 200 and role not in ("superuser", "wz_staff"):
            for name in names:
                assert name not in response.text, (opts.label, name)

    private = [third["attachment"].file.name, third["agreement"].document.name]
    for code in ("HZ", "NB"):
        private.append(world[code]["attachment"].file.name)
    private += [world[code]["referral_attachment"].file.name for code in FEDERATIONS]
    for name in private:
        for address in (f"/media/{name}", f"/media/sanatoriums/..%2f..%2f{name}"):
            assert client.get(address).status_code == 404, address
