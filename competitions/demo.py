"""Demo competitions: last year's joint competition with published results in four trades,
and this season's, open for registration. Judges hz-judge and nb-judge score them.
`--scale N` adds the joint competitions of the N − 1 years before, published too.

Idempotent: a competition that already exists (by title) is left as it is.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from competitions import services
from competitions.models import Competition, Entry, Event, ScoringPart
from members.models import Member, Organisation, Role, StaffProfile, User
from members.services import staff_profile_save, user_save

#: What made the change, on the history rows of the accounts the demo adds (no actor).
REASON = "seed_demo"

#: The year of the last published competition; --scale adds the years before it.
PAST_YEAR = 2025

JUDGES = {"hz-judge": ("HZ", "杭州评委"), "nb-judge": ("NB", "宁波评委")}

# trade → (parts as (name, weight, pass mark), employment form of the entrants, title, title
# places, title age limit)
TRADES = {
    "电工": ([("理论知识", 30, 60), ("实际操作", 70, 60)], None, "technical_expert", 3, None),
    "焊工": ([("理论知识", 20, 60), ("实际操作", 80, 60)], None, "technical_expert", 2, None),
    "快递员": (
        [("理论知识", 30, 60), ("实际操作", 70, 60)],
        Member.EmploymentForm.COURIER,
        "young_expert",
        3,
        35,
    ),
    "网约配送员": (
        [("理论知识", 40, 60), ("实际操作", 60, 60)],
        Member.EmploymentForm.DELIVERY_RIDER,
        "",
        0,
        None,
    ),
}


def seed(*, federations, agreement, scale, rng):
    hz, nb = federations["HZ"], federations["NB"]
    judges = _judges(federations)
    staff = {
        "HZ": User.objects.get(username="hz-staff"),
        "NB": User.objects.get(username="nb-staff"),
    }
    for round_ in range(scale):
        _past_competition(hz, nb, judges, staff, rng, year=PAST_YEAR - round_)
    _current_competition(hz, nb, judges, staff, rng)


def _judges(federations):
    template = User.objects.get(username="hz-staff")
    judges = []
    for username, (code, name) in JUDGES.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            # The same password as the other demo accounts (seed_demo's --password or its
            # default), without seeing it: copy the staff account's hash.
            user = user_save(
                actor=None,
                user=User(username=username, name=name, password=template.password),
                reason=REASON,
            )
        if not StaffProfile.objects.filter(user=user).exists():
            root = Organisation.objects.get(federation=federations[code], parent=None)
            staff_profile_save(
                actor=None,
                profile=StaffProfile(user=user, organisation=root, role=Role.JUDGE),
                reason=REASON,
            )
        judges.append(user)
    return judges


def _events(actor, competition, judges, cap):
    events = []
    for name, (parts, _form, title, top, title_age) in TRADES.items():
        event = services.event_save(
            actor=actor,
            event=Event(
                competition=competition,
                name=name,
                cap_per_federation=cap,
                min_years_in_job=1,
                first_awards=1,
                second_awards=2,
                third_awards=3,
                title_kind=title,
                title_top=top,
                title_max_age=title_age,
            ),
            judges=judges,
        )
        for position, (part, weight, mark) in enumerate(parts):
            services.scoring_part_save(
                actor=actor,
                part=ScoringPart(
                    event=event,
                    name=part,
                    weight=weight,
                    pass_mark=Decimal(mark),
                    position=position,
                ),
            )
        events.append(event)
    return events


def _entrants(federation, form, count, rng, exclude):
    members = Member.objects.filter(federation=federation).exclude(pk__in=exclude)
    preferred = list(members.filter(employment_form=form).order_by("card_number")) if form else []
    others = list(members.order_by("card_number"))
    rng.shuffle(others)
    chosen = []
    for member in preferred + others:
        if member not in chosen:
            chosen.append(member)
        if len(chosen) == count:
            break
    return chosen


def _enter(event, federations, staff, rng, used, *, per_federation, now=None):
    """Enter `per_federation` members of each federation (an ineligible one is skipped)."""
    _parts, form, *_rest = TRADES[event.name]
    for federation in federations:
        for member in _entrants(federation, form, per_federation, rng, used):
            used.append(member.pk)
            try:
                services.entry_create(
                    actor=staff[federation.code],
                    event=event,
                    member=member,
                    years_in_job=rng.randint(2, 15),
                    now=now,
                )
            except ValidationError:
                continue


def _score(event, judges, rng):
    """Every judge scores every live entrant of the event, near a level drawn per entrant."""
    # In the order they were entered, not by number: the numbers are drawn at random
    # (competitions.services) when judging starts, and the demo must give the same entrants
    # the same scores, and so the same titles, on every run.
    entries = list(event.entries.active().order_by("pk"))
    parts = {part.name: part for part in event.parts.all()}
    sheets = {judge: {} for judge in judges}
    for entry in entries:
        base = rng.randint(62, 92)
        for part in parts.values():
            for sheet in sheets.values():
                value = min(100, max(40, base + rng.randint(-4, 4)))
                sheet[(entry.number, part.pk)] = Decimal(value)
    # Two entrants with the same scores from every judge: a shared rank on the page.
    for entry in entries[:2]:
        for part in parts.values():
            for sheet in sheets.values():
                sheet[(entry.number, part.pk)] = Decimal("88.50")
    if event.name == "焊工":
        # One entrant fails the practical pass mark despite a fair total: no award.
        for sheet in sheets.values():
            sheet[(entries[-1].number, parts["理论知识"].pk)] = Decimal("96")
            sheet[(entries[-1].number, parts["实际操作"].pk)] = Decimal("58")
    for judge, sheet in sheets.items():
        services.scores_submit(actor=judge, event=event, values=sheet)


def _past_competition(hz, nb, judges, staff, rng, *, year):
    title = f"{year}年杭甬“双城记”职工职业技能竞赛"
    if Competition.objects.filter(title=title).exists():
        return
    actor = staff["HZ"]
    competition = services.competition_save(
        actor=actor,
        competition=Competition(
            title=title,
            year=year,
            venue="宁波市职业技术教育中心学院（海曙校区）",
            starts_on=datetime.date(year, 10, 16),
            ends_on=datetime.date(year, 10, 18),
            # 17:00 in Hangzhou, the end of an office day (not 17:00 UTC, 01:00 at night there).
            registration_deadline=datetime.datetime(
                year, 9, 30, 17, 0, tzinfo=timezone.get_default_timezone()
            ),
            rules=(
                "一、参赛对象：杭州、宁波两市在职职工及新就业形态劳动者，从事本工种满 1 年。\n"
                "二、比赛分理论知识和实际操作两部分，按权重计算总成绩。\n"
                "三、各工种按总成绩排名，并列者名次相同；单项未达合格分者不获奖。\n"
                "四、获奖选手由两市总工会共同授予称号，两地互认。"
            ),
        ),
        hosts=[hz, nb],
    )
    events = _events(actor, competition, judges, cap=5)
    competition = services.competition_advance(actor=actor, competition=competition)  # open
    used = []
    entered_at = datetime.datetime(year, 9, 20, 2, 0, tzinfo=datetime.UTC)
    for event in events:
        _enter(event, (hz, nb), staff, rng, used, per_federation=4, now=entered_at)
    while competition.status != Competition.Status.JUDGING:  # closed, then judging
        competition = services.competition_advance(actor=actor, competition=competition)
    for event in events:
        _score(event, judges, rng)
    # A week after the finals, mid-morning in Hangzhou: the date on its certificates.
    published = datetime.datetime(year, 10, 25, 10, 0, tzinfo=timezone.get_default_timezone())
    services.results_publish(actor=actor, competition=competition, at=published)


def _current_competition(hz, nb, judges, staff, rng):
    today = timezone.localdate()
    starts = today + datetime.timedelta(days=45)
    title = f"{starts.year}年杭甬“双城记”新就业形态劳动者技能竞赛"
    if Competition.objects.filter(title=title).exists():
        return
    actor = staff["HZ"]
    deadline = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=30), datetime.time(17, 0))
    )
    competition = services.competition_save(
        actor=actor,
        competition=Competition(
            title=title,
            year=starts.year,
            venue="杭州技师学院（滨江校区）",
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=2),
            registration_deadline=deadline,
            rules=(
                "一、面向两市快递员、网约配送员等新就业形态劳动者及一线技术工人。\n"
                "二、每个工种每市限报 6 人，由市总工会统一报名，报名截止后不再受理。\n"
                "三、成绩和称号两地互认。"
            ),
        ),
        hosts=[hz, nb],
    )
    events = _events(actor, competition, judges, cap=6)
    services.competition_advance(actor=actor, competition=competition)  # open
    used = list(Entry.objects.values_list("member_id", flat=True))
    for event in events:
        _enter(event, (hz, nb), staff, rng, used, per_federation=2)
