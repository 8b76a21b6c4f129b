"""Demo places: a route and a season of batches per base, allocations to both cities, groups
in every state, a finished batch with feedback, and one batch reserved for the title holders
of the joint skill competition. Written by the services as a command (no acting user)."""

import datetime

from django.utils import timezone

from members.models import Member, Organisation
from members.scoping import partner_ids
from sanatoriums import services
from sanatoriums.models import Batch, Participant, Route, Sanatorium

REASON = "seed_demo"
PARTNER = {"HZ": "NB", "NB": "HZ"}
ITINERARY = "\n".join(
    [
        "第1天 报到、体检",
        "第2天 健康讲座、康复理疗",
        "第3天 红色教育、劳模工匠故事分享",
        "第4天 自然人文考察",
        "第5天 座谈交流、返程",
    ]
)


def _days(n):
    return datetime.timedelta(days=n)


def seed(*, federations, scale, rng):
    today = timezone.localdate()
    members = {
        # Members not in any group yet: a second run (more bases with --scale) never books a
        # member twice into overlapping dates.
        code: iter(
            Member.objects.filter(federation=federations[code])
            .exclude(pk__in=Participant.objects.values("member"))
            .order_by("card_number")
        )
        for code in federations
    }
    orgs = {
        code: list(
            Organisation.objects.filter(federation=federations[code]).order_by("kind", "name")
        )
        for code in federations
    }
    for base in (
        Sanatorium.objects.active().filter(federation__in=federations.values()).order_by("pk")
    ):
        if base.routes.exists():
            continue
        code = base.federation.code
        if code not in PARTNER:
            continue
        partner = federations[PARTNER[code]]
        route = services.route_save(
            actor=None,
            route=Route(
                sanatorium=base,
                name=f"{base.region}五日疗休养",
                days=5,
                price_per_day=rng.choice([420, 480, 520, 580]),
                season_start=3,
                season_end=11,
                itinerary=ITINERARY,
                eligibility_notes="劳模、工匠和一线职工优先",
            ),
            reason=REASON,
        )
        recognised = Sanatorium.objects.open_to(partner, on=today + _days(90)).filter(pk=base.pk)
        # Places go to the partner while the agreement is in force (allocation_set's rule).
        shares_with_partner = recognised.exists() and partner.pk in partner_ids(base.federation_id)
        for offset in (20, 45, 75):
            batch = _batch(route, today + _days(offset), places=40)
            if shares_with_partner:
                services.allocation_set(actor=None, batch=batch, federation=partner, places=20)
                services.allocation_set(
                    actor=None, batch=batch, federation=base.federation, places=20
                )
            else:
                services.allocation_set(
                    actor=None, batch=batch, federation=base.federation, places=40
                )
            if offset == 20:
                _groups(
                    batch, base.federation, partner if shares_with_partner else None, orgs, members
                )
            if offset == 75 and shares_with_partner:
                _expired_offer(batch, partner, orgs, today)
        if shares_with_partner:
            _finished_batch(route, base.federation, partner, orgs, members, today, rng)


def _batch(route, start, *, places, **extra):
    return services.batch_create(
        actor=None,
        batch=Batch(
            route=route,
            start_date=start,
            end_date=start + _days(route.days - 1),
            signup_deadline=start - _days(7),
            places=places,
            min_group=10,
            **extra,
        ),
        reason=REASON,
    )


def _named(members, code, count):
    return [m for _i, m in zip(range(count), members[code], strict=False)]


def _groups(batch, own, partner, orgs, members):
    """Groups in every state on the batch: the partner's (or the owner's) confirmed, pending,
    cancelled and waiting."""
    fed = partner or own
    code = fed.code
    org = orgs[code]
    first = services.booking_create(
        actor=None,
        batch=batch,
        organisation=org[1],
        headcount=12,
        members=_named(members, code, 6),
        contact_name="陈老师",
    )
    services.booking_confirm(actor=None, booking=first)
    services.booking_create(actor=None, batch=batch, organisation=org[2], headcount=6)
    cancelled = services.booking_create(actor=None, batch=batch, organisation=org[3], headcount=2)
    services.booking_cancel(actor=None, booking=cancelled)
    services.booking_create(
        actor=None, batch=batch, organisation=org[4], headcount=10, waiting_list=True
    )


def _expired_offer(batch, partner, orgs, today):
    """A waiting-list group that was offered freed places and let the offer run out."""
    org = orgs[partner.code]
    full = services.booking_create(actor=None, batch=batch, organisation=org[5], headcount=20)
    services.booking_create(
        actor=None, batch=batch, organisation=org[6], headcount=8, waiting_list=True
    )
    services.booking_cancel(actor=None, booking=full)
    services.offers_expire(today=today + _days(batch.offer_days + 1))


def _finished_batch(route, own, partner, orgs, members, today, rng):
    """A batch of last month, finished, with the participants' feedback."""
    start = today - _days(30)
    batch = _batch(route, start, places=30)
    services.allocation_set(actor=None, batch=batch, federation=partner, places=15)
    services.allocation_set(actor=None, batch=batch, federation=own, places=15)
    booking = services.booking_create(
        actor=None,
        batch=batch,
        organisation=orgs[partner.code][1],
        headcount=12,
        members=_named(members, partner.code, 5),
        today=start - _days(14),
    )
    services.booking_confirm(actor=None, booking=booking, today=start - _days(14))
    services.batch_set_status(
        actor=None, batch=batch, status=Batch.Status.CLOSED, today=start - _days(3)
    )
    services.batch_set_status(actor=None, batch=batch, status=Batch.Status.FINISHED, today=today)
    comments = ["安排周到，收获很大", "理疗项目很专业", "希望明年还能参加", "伙食很好", ""]
    for participant, comment in zip(booking.participants.all(), comments, strict=False):
        services.feedback_save(
            actor=None, participant=participant, rating=rng.choice([4, 5, 5]), comment=comment
        )
    _award_winners_batch(route, own, partner, today)


def _award_winners_batch(route, own, partner, today):
    """A batch reserved for the title holders of the published joint competition, booked for
    them by the partner."""
    from competitions.models import Competition, Title

    competition = Competition.objects.filter(status=Competition.Status.PUBLISHED).first()
    if competition is None or Batch.objects.filter(competition=competition).exists():
        return
    batch = _batch(
        route,
        today + _days(100),
        places=20,
        eligibility=Batch.Eligibility.AWARD_WINNERS,
        competition=competition,
    )
    services.allocation_set(actor=None, batch=batch, federation=partner, places=10)
    services.allocation_set(actor=None, batch=batch, federation=own, places=10)
    holders = list(
        Member.objects.filter(
            pk__in=Title.objects.filter(
                entry__event__competition=competition, federation=partner
            ).values("member")
        ).select_related("organisation")[:5]
    )
    if holders:
        services.booking_create(
            actor=None,
            batch=batch,
            organisation=holders[0].organisation,
            headcount=len(holders),
            members=holders,
            contact_name="技能竞赛获奖职工",
        )
