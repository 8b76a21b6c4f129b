"""Demo records of the cooperation app: the agreement's phases, projects under every common
(as the signing speech names them), milestones in the past and the future — so that some
projects are delayed — progress updates and shared venues. `--scale N` adds N − 1 more
batches of the projects (with their milestones and updates) and of the venues, so that N×
data means N× everywhere. Idempotent: every record is found by its natural key before it is
created, so a second run adds nothing. Every record is written through cooperation.services,
as the seeder (no actor) with REASON."""

import datetime

from django.utils import timezone

from cooperation import services
from cooperation.models import (
    ActionItem,
    Agreement,
    AgreementPhase,
    Contact,
    Meeting,
    MeetingOutcome,
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
    # Renewed for a second term: records stay shared only while an agreement is in force
    # (SECURITY.md), and demo data must keep showing two cities that work together.
    "valid_until": datetime.date(2031, 12, 31),
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
    (
        "巩固拓展",
        datetime.date(2027, 1, 1),
        datetime.date(2031, 12, 31),
        "续签协议，巩固“五个共”成果，拓展合作领域",
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
    for round_ in range(scale):
        for spec in PROJECTS:
            _seed_project(spec, round_, agreement, federations, pillars, users, today)
    for round_ in range(scale):
        for code, name, kind, address, hours, open_, contact, phone in VENUES:
            if round_:
                # More venues of the same kinds at scale: branches of the same institutions.
                name = f"{name}（第{round_ + 1}分部）"
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


def _seed_project(spec, round_, agreement, federations, pillars, users, today):
    """One project of PROJECTS with its milestones and updates. Round 0 is the spec as
    written; each further round (`--scale N` makes N − 1 of them) is another batch of the
    same work: "（第N批）" after the title, led by the other city every other round, a few
    days earlier each round (so that some of its milestones fall due and the project shows
    as delayed), public or not as the spec says."""
    (key, lead, title, department, status, start, length, target, actual, public,
     description, milestones, updates) = spec  # fmt: skip
    partner = "NB" if lead == "HZ" else "HZ"
    shift = 0
    if round_:
        title = f"{title}（第{round_ + 1}批）"
        shift = -3 * round_
        if round_ % 2:
            lead, partner = partner, lead
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
                planned_start=today + datetime.timedelta(days=start + shift),
                planned_end=today + datetime.timedelta(days=start + shift + length),
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
        due_on = today + datetime.timedelta(days=due + shift)
        milestone = Milestone(
            title=milestone_title, due_on=due_on, done_on=min(due_on, today) if done else None
        )
        services.milestone_create(actor=None, project=project, milestone=milestone, reason=REASON)
    for index, (offset, text, update_public) in enumerate(updates):
        if project.updates.filter(text=text).exists():
            continue
        # Alternate the writer: partners report on the lead's projects too.
        writer = lead if index % 2 == 0 else partner
        update = ProgressUpdate(
            project=project,
            federation=federations[writer],
            author=users.get(f"{writer.lower()}-staff"),
            happened_on=today + datetime.timedelta(days=offset + shift),
            text=text,
            is_public=update_public,
        )
        services.progress_update_create(actor=None, update=update, reason=REASON)


# --- liaison ---
#
# The liaison directory at every level for both cities (each contact paired with their
# counterpart), and a year of meetings at several levels around today: the past ones held,
# with outcomes whose tasks are action items (some done, some dropped, some overdue), the
# coming ones planned, one cancelled. Found by natural keys (a contact by federation and
# name, a meeting by host and title), so a second run adds nothing; `--scale N` adds the
# year before, N − 1 times.

# key: (federation, level, department, name, position, telephone, email, counterpart key)
CONTACTS = {
    "hz-evc": ("HZ", "executive_vice_chair", "市总工会", "陈建华", "常务副主席",
               "0571-85170001", "chenjh@hzgh.example.cn", "nb-evc"),
    "hz-lic": ("HZ", "leader_in_charge", "市总工会", "周文斌", "副主席（分管权益保障）",
               "0571-85170002", "zhouwb@hzgh.example.cn", "nb-lic"),
    "hz-prop": ("HZ", "department", "宣传教育部", "李晓燕", "部长",
                "0571-85170011", "lixy@hzgh.example.cn", "nb-prop"),
    "hz-rights": ("HZ", "department", "权益保障部", "王立军", "部长",
                  "0571-85170012", "wanglj@hzgh.example.cn", "nb-rights"),
    "hz-tech": ("HZ", "department", "经济技术部", "沈嘉怡", "副部长",
                "0571-85170013", "shenjy@hzgh.example.cn", "nb-tech"),
    "hz-transport": ("HZ", "industry_union", "杭州市交通运输工会", "赵国平", "主席",
                     "0571-85170021", "zhaogp@hzgh.example.cn", "nb-transport"),
    "hz-district": ("HZ", "district_union", "西湖区总工会", "孙丽", "常务副主席",
                    "0571-85170031", "sunli@hzgh.example.cn", "nb-district"),
    "nb-evc": ("NB", "executive_vice_chair", "市总工会", "黄志强", "常务副主席",
               "0574-87180001", "huangzq@nbgh.example.cn", "hz-evc"),
    "nb-lic": ("NB", "leader_in_charge", "市总工会", "吴海燕", "副主席（分管权益工作）",
               "0574-87180002", "wuhy@nbgh.example.cn", "hz-lic"),
    "nb-prop": ("NB", "department", "宣传教育部", "郑敏", "部长",
                "0574-87180011", "zhengmin@nbgh.example.cn", "hz-prop"),
    "nb-rights": ("NB", "department", "权益工作部", "何建国", "部长",
                  "0574-87180012", "hejg@nbgh.example.cn", "hz-rights"),
    "nb-tech": ("NB", "department", "经济技术部", "钱晓东", "部长",
                "0574-87180013", "qianxd@nbgh.example.cn", "hz-tech"),
    "nb-transport": ("NB", "industry_union", "宁波市交通运输工会", "许峰", "主席",
                     "0574-87180021", "xufeng@nbgh.example.cn", "hz-transport"),
    "nb-district": ("NB", "district_union", "鄞州区总工会", "冯静", "常务副主席",
                    "0574-87180031", "fengjing@nbgh.example.cn", "hz-district"),
}  # fmt: skip

# (days from today, hour, level, host, title, place, attendee keys, agenda, status,
#  outcomes [(kind, text, owner, assignee key, due days from today, "open"/"done"/"dropped")])
MEETINGS = [
    (-330, 9, "executive_vice_chair", "HZ", "杭甬两市总工会年度联席会议", "杭州市总工会 三楼会议室",
     ["hz-evc", "nb-evc", "hz-lic", "nb-lic"],
     "一、通报上年度“五个共”推进情况\n二、审议本年度合作项目清单\n三、确定对接机制分工",
     "held",
     [("information", "两市通报上年度合作项目完成情况，共落地载体 18 个。", "", "", 0, ""),
      ("decision", "本年度合作项目清单按五个共分列，共 20 项。", "", "", 0, ""),
      ("task", "编制年度合作项目清单并报两市主要领导。", "HZ", "hz-lic", -300, "done"),
      ("task", "建立两市对接人名录并每季度更新。", "NB", "nb-lic", -290, "done")]),
    (-270, 14, "department", "NB", "宣传教育部共同学习题目对接会", "宁波市工人文化宫 二楼",
     ["hz-prop", "nb-prop"],
     "一、确定本年度共同学习题目\n二、安排两地巡回宣讲",
     "held",
     [("decision", "年度共同学习题目为“学习劳模精神、劳动精神、工匠精神”。", "", "", 0, ""),
      ("task", "组织两地劳模工匠巡回宣讲 20 场。", "NB", "nb-prop", -60, "done"),
      ("task", "汇编两地职工学习成果。", "HZ", "hz-prop", -20, "open")]),
    (-210, 10, "leader_in_charge", "HZ", "职工权益维护协作分管领导对接会", "杭州市职工服务中心",
     ["hz-lic", "nb-lic", "hz-rights", "nb-rights"],
     "一、跨市维权协作流程\n二、欠薪案件互转机制",
     "held",
     [("decision", "跨市维权案件由接收方三个工作日内答复是否受理。", "", "", 0, ""),
      ("task", "制定跨市维权协作工作规程。", "HZ", "hz-rights", -150, "done"),
      ("task", "开通两市职工维权服务热线互转。", "NB", "nb-rights", -30, "open"),
      ("task", "联合开展新就业形态劳动者权益调研。", "HZ", "hz-rights", -90, "dropped")]),
    (-150, 9, "industry_union", "NB", "交通运输产业工会技能竞赛筹备会", "宁波市交通运输工会",
     ["hz-transport", "nb-transport", "hz-tech", "nb-tech"],
     "一、联合技能竞赛工种设置\n二、裁判与场地安排",
     "held",
     [("decision", "竞赛工种为汽车维修工、公交驾驶员两项。", "", "", 0, ""),
      ("task", "确定两地裁判名单。", "NB", "nb-transport", -120, "done"),
      ("task", "落实杭州赛区比赛场地。", "HZ", "hz-transport", -100, "done")]),
    (-95, 14, "district_union", "HZ", "西湖区—鄞州区工会结对交流会", "西湖区职工服务驿站",
     ["hz-district", "nb-district"],
     "一、区县工会结对共建\n二、职工疗休养线路互推",
     "held",
     [("information", "两区通报职工服务驿站建设情况。", "", "", 0, ""),
      ("task", "互推区内职工疗休养线路各 3 条。", "NB", "nb-district", -10, "open"),
      ("task", "组织两区工会干部互访。", "HZ", "hz-district", 20, "open")]),
    (-45, 9, "department", "HZ", "经济技术部技能人才互认对接会", "杭州市总工会 五楼会议室",
     ["hz-tech", "nb-tech"],
     "一、技术能手称号两市互认\n二、创新工作室联盟",
     "held",
     [("decision", "两市技术能手称号互认，互认名单每半年公布一次。", "", "", 0, ""),
      ("task", "公布首批互认技术能手名单。", "HZ", "hz-tech", 15, "open"),
      ("task", "牵头组建两市劳模工匠创新工作室联盟。", "NB", "nb-tech", 45, "open")]),
    (-12, 10, "leader_in_charge", "NB", "疗休养基地互认推进会", "宁波市职工疗休养中心",
     ["hz-lic", "nb-lic"],
     "一、第二批疗休养基地互认\n二、名额分配办法",
     "held",
     [("decision", "第二批互认基地 6 家，名额按两市会员人数分配。", "", "", 0, ""),
      ("task", "完成第二批基地实地评估。", "NB", "nb-lic", 30, "open")]),
    (10, 14, "department", "NB", "权益工作部季度对接会", "宁波市总工会 四楼会议室",
     ["hz-rights", "nb-rights"],
     "一、本季度跨市维权案件通报\n二、热线互转运行情况",
     "planned", []),
    (24, 9, "industry_union", "HZ", "交通运输产业工会年度总结会", "杭州市交通运输工会",
     ["hz-transport", "nb-transport"],
     "一、联合技能竞赛总结\n二、下年度合作计划",
     "cancelled", []),
    (38, 9, "executive_vice_chair", "NB", "杭甬两市总工会常务副主席会商", "宁波市总工会 一楼会议室",
     ["hz-evc", "nb-evc"],
     "一、年度合作总结\n二、协议续签安排",
     "planned", []),
]  # fmt: skip


def seed_liaison(*, federations, scale, rng):
    contacts = _seed_contacts(federations)
    for round_ in range(scale):
        for meeting_row in MEETINGS:
            _seed_meeting(federations, contacts, meeting_row, round_)


def _seed_contacts(federations):
    contacts = {}
    for key, (code, level, department, name, title, phone, email, _other) in CONTACTS.items():
        contact = Contact.objects.filter(federation=federations[code], name=name).first()
        if contact is None:
            contact = services.contact_create(
                actor=None,
                contact=Contact(
                    federation=federations[code],
                    level=level,
                    department=department,
                    name=name,
                    title=title,
                    phone=phone,
                    email=email,
                ),
                reason=REASON,
            )
        contacts[key] = contact
    for key, row in CONTACTS.items():
        contact, counterpart = contacts[key], contacts[row[-1]]
        if contact.counterpart_id is None:
            contact.counterpart = counterpart
            services.contact_update(actor=None, contact=contact, reason=REASON)
    return contacts


def _seed_meeting(federations, contacts, row, round_):
    days, hour, level, host, title, place, attendees, agenda, status, outcomes = row
    if round_:
        title = f"{title}（{round_}年前）"
        days -= 365 * round_
        status = "held" if status == "planned" else status
    host_federation = federations[host]
    if Meeting.objects.filter(host_federation=host_federation, title=title).exists():
        return
    starts_at = timezone.localtime().replace(
        hour=hour, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=days)
    meeting = services.meeting_create(
        actor=None,
        meeting=Meeting(
            title=title,
            level=level,
            host_federation=host_federation,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            place=place,
            agenda=agenda,
        ),
        attendees=[contacts[key] for key in attendees],
        reason=REASON,
    )
    if status == "cancelled":
        services.meeting_cancel(actor=None, meeting=meeting, reason=REASON)
        return
    if status != "held":
        return
    meeting.minutes = "\n".join(
        f"{number}. {text}" for number, (_kind, text, *_rest) in enumerate(outcomes, 1)
    )
    services.meeting_update(actor=None, meeting=meeting, reason=REASON)
    services.meeting_mark_held(actor=None, meeting=meeting, reason=REASON)
    today = timezone.localdate()
    for kind, text, owner, assignee, due, final in outcomes:
        item = None
        if kind == "task":
            item = ActionItem(
                title=text,
                owner_federation=federations[owner],
                assignee=contacts[assignee],
                due_on=today + datetime.timedelta(days=due - 365 * round_),
            )
        outcome = services.meeting_outcome_create(
            actor=None,
            meeting=meeting,
            outcome=MeetingOutcome(kind=kind, text=text),
            action_item=item,
            reason=REASON,
        )
        if item is not None and final in ("done", "dropped"):
            services.action_item_status_change(
                actor=None,
                action_item=outcome.action_item,
                status=final,
                drop_reason="两市已分别纳入年度重点调研，不再单独开展。"
                if final == "dropped"
                else "",
                reason=REASON,
            )


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
            _backdate_answers(referral, moment, late=index % 4 == 3)


def _backdate_answers(referral, submitted_at, *, late):
    """The services stamp an answer and an outcome with the moment they are recorded; in the
    demo those steps happened over the days after the submission (most answered the next
    day, every fourth one late), so that the dashboard's on-time share and days to resolve
    look like a real year. Only the two moments change: the history keeps its steps."""
    from cooperation.models import Referral

    now = timezone.now()
    stamps = {}
    if referral.acknowledged_at is not None:
        answered = submitted_at + datetime.timedelta(days=5 if late else 1)
        stamps["acknowledged_at"] = min(answered, now)
    if referral.resolved_at is not None:
        resolved = submitted_at + max((now - submitted_at) / 2, datetime.timedelta(days=2))
        stamps["resolved_at"] = min(resolved, now)
    if stamps:
        Referral.objects.filter(pk=referral.pk).update(**stamps)
