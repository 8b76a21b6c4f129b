"""Demo records of the cooperation app: the agreement's phases, projects under every common
(as the signing speech names them), milestones in the past and the future — so that some
projects are delayed — progress updates and shared venues. Idempotent: every record is
found by its natural key before it is created, so a second run adds nothing. Every record
is written through cooperation.services, as the seeder (no actor) with REASON."""

import datetime

from django.utils import timezone

from cooperation import services
from cooperation.models import (
    Agreement,
    AgreementPhase,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Venue,
)
from members.models import User

REASON = "seed_demo"

AGREEMENT = {
    "title": "杭甬“双城记”工会合作协议",
    "signed_on": datetime.date(2021, 7, 15),
    "valid_from": datetime.date(2021, 7, 15),
    "valid_until": datetime.date(2026, 12, 31),
}

SUMMARY = (
    "杭州、宁波两市总工会围绕“五个共”开展合作：思想共同引领、权益共同维护、技能共同提升、"
    "身心共同关爱、项目共同研究。每个“共”设定若干载体，实行项目化推进，"
    "建立两市总工会常务副主席、分管领导、各部门、产业工会和区县（市）总工会的常态化对接机制。"
)

PHASES = [
    (
        "建立机制",
        datetime.date(2021, 7, 15),
        datetime.date(2022, 6, 30),
        "签订协议，建立对接机制，确定首批载体",
    ),
    (
        "全面推进",
        datetime.date(2022, 7, 1),
        datetime.date(2024, 12, 31),
        "五个共全面落地，项目化推进",
    ),
    (
        "深化提升",
        datetime.date(2025, 1, 1),
        datetime.date(2026, 12, 31),
        "总结经验，扩大职工获得感",
    ),
]

# (pillar, lead, title, department, status, start offset days, length days, target, actual,
#  public, description, milestones [(title, due offset, done?)], updates [(offset, text, public)])
PROJECTS = [
    (
        "ideology",
        "HZ",
        "两市职工共同学习题目：学习劳模精神、劳动精神、工匠精神",
        "宣传教育部",
        "in_progress",
        -300,
        540,
        20000,
        12600,
        True,
        "两市总工会每季度共同确定一个学习题目，在两地职工学校和劳模工匠创新工作室同步开展宣讲。",
        [
            ("确定年度学习题目", -280, True),
            ("两地巡回宣讲20场", -40, True),
            ("年度学习成果汇编", 60, False),
        ],
        [
            (-200, "首场“双城记”主题宣讲在杭州职工文化中心举行，宁波劳模代表参加。", True),
            (-45, "两地巡回宣讲完成20场，覆盖职工1.2万人次。", True),
        ],
    ),
    (
        "ideology",
        "NB",
        "组织杭州职工参观宁波五一广场和“甬工惠”服务阵地",
        "宣传教育部",
        "in_progress",
        -120,
        240,
        1500,
        640,
        True,
        "学习宁波工会在五一广场打造职工文化阵地和“甬工惠”服务品牌的经验。",
        [("接待首批杭州职工参观团", -90, True), ("完成四批参观交流", -10, False)],
        [(-88, "首批40名杭州一线职工参观五一广场，体验“甬工惠”线上服务。", True)],
    ),
    (
        "rights",
        "HZ",
        "跨市劳动争议维权协作转介机制",
        "法律工作部",
        "in_progress",
        -400,
        800,
        600,
        214,
        False,
        "一市职工在另一市发生劳动争议的，由两地工会法律工作部门转介协作、跟踪到结案。",
        [
            ("签订维权协作备忘录", -380, True),
            ("建立转介台账和联络员制度", -200, True),
            ("开展两地法律援助律师交流", 30, False),
        ],
        [(-150, "首批转介案件7件，已办结5件，为职工追回工资18.6万元。", False)],
    ),
    (
        "rights",
        "NB",
        "新就业形态劳动者入会和权益保障“八大群体”专项行动",
        "基层工作部",
        "in_progress",
        -250,
        500,
        8000,
        5230,
        True,
        "学习宁波新八大群体入会经验，推动快递员、网约配送员、货车司机、网约车司机等"
        "新就业形态劳动者加入工会。",
        [
            ("两地货车司机联合工会结对", -200, True),
            ("新建驿站服务点30个", -20, False),
            ("年度入会目标8000人", 150, False),
        ],
        [
            (-180, "宁波鄞州区货车司机联合工会与杭州萧山区相关工会结对共建。", True),
            (-30, "累计吸收新就业形态劳动者入会5230人。", True),
        ],
    ),
    (
        "skills",
        "HZ",
        "杭甬职工技能竞赛（数字经济工种）",
        "经济技术部",
        "in_progress",
        -180,
        365,
        3000,
        1150,
        True,
        "联合举办网络安全、人工智能训练师等数字经济工种技能竞赛，获奖选手技术能手称号两市互认。",
        [("公布竞赛方案和工种", -150, True), ("两地初赛", 20, False), ("决赛和颁奖", 90, False)],
        [(-140, "竞赛方案发布，设网络安全管理员、人工智能训练师两个工种。", True)],
    ),
    (
        "skills",
        "NB",
        "港口和制造业工匠技能交流（单项冠军企业）",
        "经济技术部",
        "planned",
        30,
        300,
        800,
        0,
        False,
        "组织两地“单项冠军”企业的工匠结对带徒，开展焊工、数控车工技能交流。",
        [("遴选结对企业", 60, False), ("首期结对带徒", 180, False)],
        [],
    ),
    (
        "wellbeing",
        "HZ",
        "职工疗休养基地互认",
        "生活保障部",
        "in_progress",
        -500,
        900,
        5000,
        3820,
        True,
        "两地职工疗休养基地互相认定，一市会员可到另一市基地疗休养，按批次分配名额。",
        [
            ("首批互认基地名单", -470, True),
            ("互认基地扩展到20家", -60, True),
            ("年度疗休养满意度调查", 45, False),
        ],
        [
            (-400, "首批互认杭州、宁波疗休养基地各5家。", True),
            (-70, "互认基地扩展到20家，全年安排两地职工疗休养3820人次。", True),
        ],
    ),
    (
        "wellbeing",
        "NB",
        "一线职工心理关爱服务站共建",
        "女职工部",
        "suspended",
        -200,
        400,
        1200,
        300,
        False,
        "共建职工心理健康服务站，共享心理咨询师资源。",
        [("选定试点站点", -170, True), ("培训心理咨询志愿者", -60, False)],
        [(-100, "因场地调整，项目暂停，待新址确定后恢复。", False)],
    ),
    (
        "projects",
        "HZ",
        "产业工人队伍建设改革联合课题研究",
        "研究室",
        "completed",
        -600,
        360,
        0,
        0,
        True,
        "两市总工会联合开展产业工人队伍建设改革课题研究，形成调研报告。",
        [("开题论证", -560, True), ("两地调研", -400, True), ("结题报告", -250, True)],
        [(-250, "课题结题，报告获两市领导批示。", True)],
    ),
    (
        "projects",
        "NB",
        "工会数字化服务平台互联互通研究",
        "网络工作部",
        "in_progress",
        -90,
        300,
        50000,
        0,
        False,
        "研究“甬工惠”与杭州职工服务平台的会员身份互认和服务互通。",
        [("需求调研", -60, True), ("接口方案评审", -5, False), ("试点上线", 120, False)],
        [],
    ),
]

VENUES = [
    (
        "HZ",
        "杭州市职工学校",
        "worker_school",
        "杭州市上城区解放路138号",
        "周一至周五 9:00–17:00",
        True,
        "陈老师",
        "0571-85100000",
    ),
    (
        "HZ",
        "杭州市劳模工匠创新工作室（滨江）",
        "innovation_studio",
        "杭州市滨江区江南大道3588号",
        "预约开放",
        True,
        "李工",
        "0571-86600000",
    ),
    (
        "HZ",
        "西湖区快递小哥爱心驿站",
        "service_station",
        "杭州市西湖区文三路90号",
        "每天 8:00–20:00",
        True,
        "王站长",
        "0571-88800000",
    ),
    (
        "NB",
        "宁波市五一广场职工文化中心",
        "education_base",
        "宁波市海曙区中山西路5号",
        "周二至周日 9:00–17:00",
        True,
        "张主任",
        "0574-87300000",
    ),
    (
        "NB",
        "宁波市职工学校",
        "worker_school",
        "宁波市江北区人民路132号",
        "周一至周五 8:30–17:00",
        True,
        "林老师",
        "0574-87700000",
    ),
    (
        "NB",
        "北仑港区工匠创新工作室",
        "innovation_studio",
        "宁波市北仑区明州路1号",
        "预约开放",
        False,
        "周工",
        "0574-86800000",
    ),
]


# The status moves only along the allowed transitions: the path from planned to each one.
STATUS_PATHS = {
    ProjectStatus.PLANNED: [],
    ProjectStatus.IN_PROGRESS: [ProjectStatus.IN_PROGRESS],
    ProjectStatus.COMPLETED: [ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED],
    ProjectStatus.SUSPENDED: [ProjectStatus.SUSPENDED],
}


def seed_agreement(federations):
    """The demo agreement between the federations (杭甬“双城记”), found by its title."""
    agreement = Agreement.objects.filter(title=AGREEMENT["title"]).first()
    if agreement is None:
        return services.agreement_save(
            actor=None,
            agreement=Agreement(**AGREEMENT, summary=SUMMARY),
            parties=federations.values(),
            reason=REASON,
        )
    parties = set(agreement.parties.all())
    if not parties.issuperset(federations.values()):
        services.agreement_save(
            actor=None,
            agreement=agreement,
            parties=parties.union(federations.values()),
            reason=REASON,
        )
    return agreement


def seed(*, federations, agreement, scale, rng):
    today = timezone.localdate()
    if not agreement.summary:
        agreement.summary = SUMMARY
        services.agreement_save(actor=None, agreement=agreement, reason=REASON)
    for name, starts_on, ends_on, goals in PHASES:
        if not AgreementPhase.objects.filter(agreement=agreement, name=name).exists():
            phase = AgreementPhase(
                agreement=agreement, name=name, starts_on=starts_on, ends_on=ends_on, goals=goals
            )
            services.agreement_phase_save(actor=None, phase=phase, reason=REASON)
    pillars = {p.key: p for p in Pillar.objects.ensure()}
    users = {u.username: u for u in User.objects.filter(username__in=["hz-staff", "nb-staff"])}
    for spec in PROJECTS:
        (key, lead, title, department, status, start, length, target, actual, public,
         description, milestones, updates) = spec  # fmt: skip
        partner = "NB" if lead == "HZ" else "HZ"
        project = Project.objects.filter(agreement=agreement, title=title).first()
        if project is None:
            project = services.project_create(
                actor=None,
                project=Project(
                    agreement=agreement,
                    title=title,
                    pillar=pillars[key],
                    lead_federation=federations[lead],
                    department=department,
                    owner=users.get(f"{lead.lower()}-staff"),
                    planned_start=today + datetime.timedelta(days=start),
                    planned_end=today + datetime.timedelta(days=start + length),
                    target_beneficiaries=target,
                    actual_beneficiaries=actual,
                    is_public=public,
                    description=description,
                ),
                partner_federations=[federations[partner]],
                reason=REASON,
            )
            for step in STATUS_PATHS[status]:
                project = services.project_status_change(
                    actor=None, project=project, status=step, reason=REASON
                )
        for milestone_title, due, done in milestones:
            if project.milestones.filter(title=milestone_title).exists():
                continue
            due_on = today + datetime.timedelta(days=due)
            milestone = Milestone(
                title=milestone_title, due_on=due_on, done_on=min(due_on, today) if done else None
            )
            services.milestone_create(
                actor=None, project=project, milestone=milestone, reason=REASON
            )
        for index, (offset, text, update_public) in enumerate(updates):
            if project.updates.filter(text=text).exists():
                continue
            # Alternate the writer: partners report on the lead's projects too.
            writer = lead if index % 2 == 0 else partner
            update = ProgressUpdate(
                project=project,
                federation=federations[writer],
                author=users.get(f"{writer.lower()}-staff"),
                happened_on=today + datetime.timedelta(days=offset),
                text=text,
                is_public=update_public,
            )
            services.progress_update_create(actor=None, update=update, reason=REASON)
    for code, name, kind, address, hours, open_, contact, phone in VENUES:
        if Venue.objects.filter(federation=federations[code], name=name).exists():
            continue
        venue = Venue(
            federation=federations[code],
            name=name,
            kind=kind,
            address=address,
            opening_hours=hours,
            open_to_partners=open_,
            contact_name=contact,
            contact_phone=phone,
        )
        services.venue_create(actor=None, venue=venue, reason=REASON)


# --- referrals ---
#
# Rights referrals in every state, in both directions, two of them overdue: (sender,
# category, worker, mobile, summary, requested help, days ago, steps). A step is (service,
# who acts, arguments); "member" instead of a worker's name links the sender's first
# member. Found again by their summary: a second run adds nothing.

REFERRALS = [
    ("NB", "wage_arrears", "王建国", "13905740001",
     "在杭州某建筑工地务工八个月，项目完工后被拖欠工资4.2万元，包工头已失联。",
     "协助联系工地总包单位和属地劳动监察部门追讨欠薪。", 1, []),
    ("NB", "work_injury", "李秀兰", "13905740002",
     "在杭州一家物流仓库搬运时摔伤腰部，用人单位不愿申报工伤。",
     "协助申请工伤认定并提供法律援助。", 6, []),
    ("NB", "labour_contract", "member", "",
     "外卖骑手在杭州站点工作一年未签劳动合同，被站点以违纪为由辞退。",
     "协助了解劳动关系认定，帮助协商补偿。", 10,
     [("accept", "hz-approver", {})]),
    ("NB", "social_insurance", "赵丽", "13905740004",
     "在杭州服装厂工作两年，单位未缴纳社会保险。",
     "协助督促单位依法补缴社会保险。", 14,
     [("forward", "hz-approver", {"organisation": "上城区总工会"})]),
    ("NB", "wage_arrears", "陈刚", "13905740005",
     "快递分拣员在杭州转运中心被克扣加班费。",
     "协助调解，追回加班费。", 30,
     [("accept", "hz-approver", {}),
      ("resolve", "hz-staff",
       {"outcome": "经区总工会调解，企业补发加班费6800元，职工表示满意。"})]),
    ("NB", "other", "周敏", "13905740006",
     "反映在杭州租住的职工公寓管理问题。",
     "希望协调改善住宿条件。", 20,
     [("decline", "hz-approver",
       {"reason": "属于房屋租赁纠纷，不在工会维权协作范围，已告知职工向属地街道反映。"})]),
    ("NB", "work_injury", "孙伟", "13905740007",
     "在杭州工地受轻伤，已与单位协商一致。",
     "请求协助确认赔偿协议。", 9,
     [("withdraw", "nb-staff", {"reason": "职工已与单位自行达成和解。"})]),
    ("HZ", "wage_arrears", "member", "",
     "杭州会员在宁波北仑港区务工，被拖欠三个月工资。",
     "协助联系用人单位和属地工会追讨欠薪。", 5, []),
    ("HZ", "labour_contract", "吴芳", "13805710009",
     "网约车司机在宁波被平台单方面解除合作，押金未退。",
     "协助与平台协商退还押金并了解权益保障渠道。", 0, []),
    ("HZ", "work_injury", "郑强", "13805710010",
     "在宁波船厂焊接作业时烫伤，用人单位拖延支付医疗费。",
     "协助工伤认定和医疗费用垫付。", 12,
     [("accept", "nb-approver", {})]),
    ("HZ", "social_insurance", "冯静", "13805710011",
     "家政服务员在宁波工作，希望了解灵活就业人员参保政策。",
     "协助办理灵活就业人员社会保险参保。", 25,
     [("accept", "nb-approver", {}),
      ("resolve", "nb-staff", {"outcome": "已协助职工在宁波办理灵活就业人员养老保险参保登记。"})]),
    ("HZ", "other", "褚明", "13805710012",
     "反映宁波某企业食堂卫生问题。",
     "希望协调改善。", 18,
     [("decline", "nb-approver", {"reason": "属于市场监管职责，已建议职工向市场监管部门投诉。"})]),
    ("HZ", "wage_arrears", "卫东", "13805710013",
     "在宁波装修公司务工，被拖欠工资1.5万元。",
     "协助追讨欠薪。", 40,
     [("accept", "nb-approver", {}),
      ("close", "nb-staff", {"reason": "职工已通过劳动仲裁立案，转由仲裁程序处理。"})]),
    ("HZ", "labour_contract", "蒋华", "13805710014",
     "在宁波电子厂被要求签订空白劳动合同。",
     "协助核实并督促企业规范用工。", 16,
     [("forward", "nb-approver", {"organisation": "鄞州区总工会"})]),
]  # fmt: skip


def seed_referrals(*, federations, scale):
    from cooperation.models import Referral
    from members.models import Member, Organisation

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["hz-staff", "hz-approver", "nb-staff", "nb-approver"]
        )
    }
    now = timezone.now()
    for batch in range(scale):
        for index, (sender, category, worker, mobile, summary, help_, days, steps) in enumerate(
            REFERRALS
        ):
            if batch:
                summary = f"{summary}（第{batch + 1}批）"
            if Referral.objects.filter(
                from_federation=federations[sender], summary=summary
            ).exists():
                continue
            receiver = "HZ" if sender == "NB" else "NB"
            staff = users.get(f"{sender.lower()}-staff")
            referral = Referral(
                to_federation=federations[receiver],
                category=category,
                summary=summary,
                requested_help=help_,
                sender_officer=staff,
                created_by=staff,
                from_federation=federations[sender],
            )
            if worker == "member":
                referral.member = (
                    Member.objects.filter(federation=federations[sender])
                    .order_by("card_number")
                    .first()
                )
            else:
                referral.worker_name, referral.mobile = worker, mobile
            # Spread the hours so that the list is not in one minute (an office day).
            moment = now - datetime.timedelta(days=days, minutes=37 * index)
            referral = services.referral_create(
                actor=None, referral=referral, submitted_at=moment, reason=REASON
            )
            for step, username, kwargs in steps:
                if "organisation" in kwargs:
                    kwargs = {
                        **kwargs,
                        "organisation": Organisation.objects.get(
                            federation=federations[receiver], name=kwargs["organisation"]
                        ),
                    }
                referral = getattr(services, f"referral_{step}")(
                    actor=users.get(username), referral=referral, **kwargs
                )
