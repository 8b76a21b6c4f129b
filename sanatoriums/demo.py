"""Demo sanatorium bases of 杭州 and 宁波, with every state of recognition."""

import datetime

from django.utils import timezone
from PIL import Image, ImageDraw

from members.models import User
from sanatoriums import services
from sanatoriums.models import Recognition, Sanatorium, Theme
from sanatoriums.themes import ensure_themes

#: The change reason on the history rows the demo writes (it acts as no user).
REASON = "seed_demo"

# (owner, name, region, address, stars, themes, beds, colour, recognition by the partner)
# recognition: "valid", "expired", "proposed", "rejected", "revoked"
BASES = [
    (
        "HZ",
        "西湖职工疗休养基地",
        "西湖区",
        "杭州市西湖区杨公堤 18 号",
        5,
        ["lake", "history", "health_check"],
        320,
        (64, 140, 120),
        "valid",
    ),
    (
        "HZ",
        "千岛湖职工疗休养基地",
        "淳安县",
        "杭州市淳安县千岛湖镇环湖北路 88 号",
        5,
        ["lake", "forest"],
        460,
        (40, 110, 170),
        "valid",
    ),
    (
        "HZ",
        "临安天目山疗休养基地",
        "临安区",
        "杭州市临安区天目山镇天目大道 6 号",
        4,
        ["mountain", "forest"],
        210,
        (70, 120, 60),
        "expired",
    ),
    (
        "HZ",
        "桐庐富春江疗休养基地",
        "桐庐县",
        "杭州市桐庐县富春江镇江滨路 25 号",
        4,
        ["rural", "craftsmanship"],
        180,
        (150, 120, 60),
        "proposed",
    ),
    (
        "NB",
        "象山海滨职工疗休养基地",
        "象山县",
        "宁波市象山县石浦镇渔港路 66 号",
        5,
        ["seaside", "health_check"],
        380,
        (30, 120, 180),
        "valid",
    ),
    (
        "NB",
        "奉化溪口疗休养基地",
        "奉化区",
        "宁波市奉化区溪口镇武岭路 12 号",
        4,
        ["mountain", "red_culture", "history"],
        260,
        (120, 80, 60),
        "revoked",
    ),
    (
        "NB",
        "宁海森林温泉疗休养基地",
        "宁海县",
        "宁波市宁海县深甽镇南溪温泉路 1 号",
        4,
        ["hot_spring", "forest"],
        240,
        (160, 90, 50),
        "rejected",
    ),
    (
        "NB",
        "东钱湖职工疗休养基地",
        "鄞州区",
        "宁波市鄞州区东钱湖镇环湖东路 99 号",
        5,
        ["lake", "craftsmanship"],
        300,
        (50, 130, 140),
        "valid",
    ),
]


def _picture(colour, seed):
    """A simple landscape in the base's colour: demo photos without shipping any files."""
    width, height = 960, 720
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    sky = tuple(min(255, c + 90) for c in colour)
    draw.rectangle([0, 0, width, height // 2], fill=sky)
    hill = tuple(max(0, c - 30) for c in colour)
    offset = (seed * 97) % 300
    draw.polygon([(0, 420), (260 + offset, 220), (620, 430)], fill=hill)
    draw.polygon([(380, 440), (700 - offset // 2, 250), (width, 420), (width, 460)], fill=hill)
    draw.ellipse([760 - offset, 70, 860 - offset, 170], fill=(255, 236, 170))
    return image


def seed(*, federations, agreement, scale, rng):
    """The bases of BASES (`scale` copies of each), a photo and a recognition of each, written by
    the services as a command (no acting user, REASON on the history rows)."""
    today = timezone.localdate()
    ensure_themes(Theme)
    themes = {theme.key: theme for theme in Theme.objects.all()}
    staff = {code: User.objects.get(username=f"{code.lower()}-staff") for code in federations}
    approver = {code: User.objects.get(username=f"{code.lower()}-approver") for code in federations}
    partner_of = {"HZ": "NB", "NB": "HZ"}
    for copy in range(1, scale + 1):
        for index, (code, name, region, address, stars, keys, beds, colour, state) in enumerate(
            BASES
        ):
            if copy > 1:
                name = f"{name}（{copy}号院区）"
            if Sanatorium.objects.filter(federation=federations[code], name=name).exists():
                continue
            base = services.sanatorium_create(
                actor=None,
                sanatorium=Sanatorium(
                    federation=federations[code],
                    name=name,
                    region=region,
                    address=address,
                    stars=stars,
                    certified_on=datetime.date(2020 + index % 4, 3 + index, 15),
                    beds=beds,
                    meal_seats=beds + 40,
                    facilities="标准间、家庭房、健身房、职工书屋、医务室",
                    accessibility="主楼设无障碍通道和电梯，配备无障碍客房 2 间",
                    contact_name=rng.choice(["王", "李", "陈", "张"]) + "老师",
                    contact_phone=f"0{571 if code == 'HZ' else 574}-8{index}{copy:02d}6688",
                    description=f"{name}位于{region}，是{federations[code].name}认定的"
                    f"职工疗休养基地，可接待 10 至 30 人的团组。",
                ),
                themes=[themes[key] for key in keys if key in themes],
                reason=REASON,
            )
            # Every copy has its photo: the directory's cards at scale are as costly as at 1×.
            services.photo_store(
                actor=None,
                sanatorium=base,
                image=_picture(colour, index + len(BASES) * (copy - 1)),
                caption=name,
                reason=REASON,
            )
            partner = partner_of[code]
            _recognise(base, federations[partner], state, staff[code], approver[partner], today)


def _recognise(base, federation, state, proposer, decider, today):
    """A recognition in `state` as if proposed and decided over a year ago: recorded as it
    stands (services.recognition_import), since the workflow decides only today."""
    days = datetime.timedelta
    recognition = Recognition(
        sanatorium=base,
        federation=federation,
        proposed_by=proposer,
        proposed_at=timezone.now() - days(days=400),
        note="请审核该基地的互认申请",
    )
    if state != "proposed":
        recognition.decided_by = decider
        recognition.decided_at = timezone.now() - days(days=380)
    if state in ("valid", "revoked"):
        recognition.valid_from, recognition.valid_until = (
            today - days(days=380),
            today + days(days=350),
        )
    if state == "expired":
        recognition.valid_from, recognition.valid_until = (
            today - days(days=760),
            today - days(days=30),
        )
    recognition.status = {
        "valid": Recognition.Status.APPROVED,
        "expired": Recognition.Status.APPROVED,
        "proposed": Recognition.Status.PROPOSED,
        "rejected": Recognition.Status.REJECTED,
        "revoked": Recognition.Status.REVOKED,
    }[state]
    if state == "rejected":
        recognition.reason = "接待能力暂不满足团组要求，请完善后重新申报"
    if state == "revoked":
        recognition.reason = "基地改造期间暂停接待"
    services.recognition_import(actor=None, recognition=recognition, reason=REASON)
