"""Demo data for two federations (杭州 HZ, 宁波 NB), their members and the demo accounts; each
app adds its own (members.registry)."""

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from members import idcard, services
from members.models import Federation, Honour, Member, Organisation, Role, StaffProfile, User
from members.registry import registry

FEDERATIONS = [
    {
        "code": "HZ",
        "name": "杭州市总工会",
        "city": "杭州",
        "name_en": "Hangzhou Federation of Trade Unions",
        "city_en": "Hangzhou",
        "short_name": "杭",
        "areas": ["330102", "330105", "330106", "330108", "330109", "330110", "330122"],
        "districts": [
            "上城区总工会",
            "拱墅区总工会",
            "西湖区总工会",
            "滨江区总工会",
            "萧山区总工会",
            "余杭区总工会",
            "临安区总工会",
            "桐庐县总工会",
        ],
        "industries": ["杭州市交通运输工会", "杭州市教育工会", "杭州市卫生健康工会"],
        "grassroots": ["杭州公交集团工会", "西湖区快递行业联合工会", "滨江区网约配送员联合工会"],
    },
    {
        "code": "NB",
        "name": "宁波市总工会",
        "city": "宁波",
        "name_en": "Ningbo Federation of Trade Unions",
        "city_en": "Ningbo",
        "short_name": "甬",
        "areas": ["330203", "330205", "330206", "330211", "330212", "330213", "330225"],
        "districts": [
            "海曙区总工会",
            "江北区总工会",
            "北仑区总工会",
            "镇海区总工会",
            "鄞州区总工会",
            "奉化区总工会",
            "象山县总工会",
            "宁海县总工会",
        ],
        "industries": ["宁波市港航工会", "宁波市机械冶金工会", "宁波市财贸工会"],
        "grassroots": ["宁波舟山港集团工会", "鄞州区货车司机联合工会", "海曙区家政服务业工会"],
    },
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰飞鹏辉浩宇欣怡晨阳佳琪俊杰海燕"

# Accounts: user name → (federation code, role, display name)
ACCOUNTS = {
    "hz-staff": ("HZ", Role.STAFF, "杭州工作人员"),
    "hz-approver": ("HZ", Role.APPROVER, "杭州审批人"),
    "nb-staff": ("NB", Role.STAFF, "宁波工作人员"),
    "nb-approver": ("NB", Role.APPROVER, "宁波审批人"),
    "leader": ("HZ", Role.LEADER, "市总领导"),
}

BASE_MEMBERS_PER_FEDERATION = 60

#: The change reason on the history rows the command writes (it acts as no user).
REASON = "seed_demo"


class Command(BaseCommand):
    help = (
        "Fill the database with demo data: the 杭州 (HZ) and 宁波 (NB) federations with their "
        "organisation trees, members with valid ID numbers, and the accounts hz-staff, "
        "hz-approver, nb-staff, nb-approver, leader and admin; then each app's demo records, "
        "in the order the apps registered them (their agreement, say). "
        "--scale N makes N times the base volume of members and of each app's records. "
        "Running it again writes nothing "
        "that is already as it should be: no row and no history row (existing accounts keep "
        "their password unless --password is given). Refuses to run when DEBUG is off unless "
        "--force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiple of the base volume")
        parser.add_argument(
            "--password",
            default=None,
            help="password of the demo accounts (default demo12345 for new accounts)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (production)"
        )

    def handle(self, *args, scale, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. seed_demo adds demo accounts with "
                "a known password; pass --force if you really want them here."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        rng = random.Random(20210701)  # fixed seed: the same data on every machine
        with transaction.atomic():
            federations, organisations = self.seed_federations()
            self.seed_accounts(federations, password)
            created = self.seed_members(federations, organisations, scale, rng)
            for seeder in registry.demo_seeders:
                seeder.seed(federations=federations, scale=scale, rng=rng)
        if connection.vendor == "postgresql":
            # A bulk load leaves PostgreSQL's statistics behind the tables until autovacuum
            # comes round, and until then the planner may pick a poor index (the places
            # left on a batch took 9 ms instead of 0.7 at 10×). Bring them up to date now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new members)."))
        shown = password or "demo12345"
        self.stdout.write("Demo accounts (user name / password):")
        # Apps may add accounts of their own (the competitions' judges, say).
        names = [*ACCOUNTS, "admin", "hz-judge", "nb-judge"]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        for username in names:
            if username in existing:
                self.stdout.write(f"  {username:<12} {shown}")
        if password is None:
            self.stdout.write("(accounts that already existed keep the password they had)")

    def seed_federations(self):
        federations, organisations = {}, {}
        for spec in FEDERATIONS:
            federation = Federation.objects.filter(code=spec["code"]).first()
            federation = federation or Federation(code=spec["code"])
            keys = ("name", "city", "name_en", "city_en", "short_name")
            if changed(federation, **{key: spec[key] for key in keys}):
                services.federation_save(actor=None, federation=federation, reason=REASON)
            federations[spec["code"]] = federation
            root = self.organisation(federation, spec["name"], Organisation.Kind.FEDERATION)
            units = [root]
            for kind, names in (
                (Organisation.Kind.DISTRICT, spec["districts"]),
                (Organisation.Kind.INDUSTRY, spec["industries"]),
            ):
                units += [self.organisation(federation, name, kind, root) for name in names]
            for index, name in enumerate(spec["grassroots"]):
                parent = units[1 + index]  # under a district union
                units.append(
                    self.organisation(federation, name, Organisation.Kind.GRASSROOTS, parent)
                )
            organisations[spec["code"]] = units
        return federations, organisations

    @staticmethod
    def organisation(federation, name, kind, parent=None):
        """The federation's organisation of that name, added if missing."""
        existing = Organisation.objects.filter(federation=federation, name=name).first()
        return existing or services.organisation_save(
            actor=None,
            organisation=Organisation(federation=federation, name=name, kind=kind, parent=parent),
            reason=REASON,
        )

    @staticmethod
    def seed_accounts(federations, password):
        for username, (code, role, name) in ACCOUNTS.items():
            user = account(username, password, name=name)
            root = Organisation.objects.get(federation=federations[code], parent=None)
            profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
            if changed(profile, organisation_id=root.pk, role=role):
                services.staff_profile_save(actor=None, profile=profile, reason=REASON)
        account("admin", password, name="系统管理员", is_staff=True, is_superuser=True)

    def seed_members(self, federations, organisations, scale, rng):
        today = datetime.date.today()  # noqa: DTZ011 - calendar dates only
        forms = list(Member.EmploymentForm)
        created = 0
        for spec in FEDERATIONS:
            federation = federations[spec["code"]]
            units = organisations[spec["code"]]
            wanted = BASE_MEMBERS_PER_FEDERATION * scale
            existing = set(
                Member.objects.filter(federation=federation).values_list("card_number", flat=True)
            )
            new = []
            for number in range(1, wanted + 1):
                # Draw every value even for existing rows, so that each row is the same
                # whatever the scale and however often the command runs.
                born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 13000))
                sequence = rng.randrange(0, 1000)
                area = rng.choice(spec["areas"])
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
                mobile = f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"
                form = forms[0] if rng.random() < 0.6 else rng.choice(forms)
                unit = rng.choice(units)
                joined = today - datetime.timedelta(days=rng.randrange(30, 7000))
                card = f"{spec['code']}{number:07d}"
                if card in existing:
                    continue
                id_number = idcard.make(area, born, sequence)
                new.append(
                    Member(
                        organisation=unit,
                        name=name,
                        card_number=card,
                        # the sequence number makes each ID unique within the federation
                        id_number=id_number,
                        mobile=mobile,
                        gender=Member.Gender.MALE
                        if idcard.is_male(id_number)
                        else Member.Gender.FEMALE,
                        employment_form=form,
                        join_date=joined,
                    )
                )
            new = self.drop_clashing_ids(federation, new)
            services.member_bulk_create(actor=None, members=new, reason=REASON)
            created += len(new)
            self.seed_honours(federation)
        return created

    @staticmethod
    def drop_clashing_ids(federation, members):
        """Random parts may repeat an ID number; keep the first of each."""
        seen = set(Member.objects.filter(federation=federation).values_list("id_number", flat=True))
        kept = []
        for member in members:
            if member.id_number not in seen:
                seen.add(member.id_number)
                kept.append(member)
        return kept

    @staticmethod
    def seed_honours(federation):
        """The first twelve members of each federation hold an honour each."""
        first = Member.objects.filter(federation=federation).order_by("card_number")[:12]
        kinds, levels = list(Honour.Kind), list(Honour.Level)
        for index, member in enumerate(first):
            honour = Honour(
                member=member,
                kind=kinds[index % len(kinds)],
                level=levels[index % len(levels)],
                year=2012 + index,
            )
            if not Honour.objects.filter(
                member=member, kind=honour.kind, level=honour.level, year=honour.year
            ).exists():
                services.honour_save(actor=None, honour=honour, reason=REASON)


def changed(obj, **values) -> bool:
    """Give `obj` these field values; True when it is new or one of them differs from what it
    had, so that the seeder saves (and writes a history row) only then: a second run writes
    nothing."""
    differs = obj._state.adding
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            differs = True
    return differs


def account(username, password, **defaults):
    """The demo account of that user name, added if missing with `defaults`; a new account,
    or any when `password` is given (and is not its password already), gets the password
    (demo12345 unless given)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **defaults)
    elif not password or user.check_password(password):
        return user
    user.set_password(password or "demo12345")
    return services.user_save(actor=None, user=user, reason=REASON)
