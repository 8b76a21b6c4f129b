"""The five commons (五个共) of the agreement, in the order the speech names them.

Plain data, no Django: this list is the source of the `Pillar` rows (data migration
0004_pillars and `Pillar.objects.ensure()`), so both languages are stored in the rows rather
than translated at run time. Changing a text here changes new databases only; change existing
rows with a new data migration.
"""

FIVE_COMMONS = [
    {
        "key": "ideology",
        "position": 1,
        "icon": "lightbulb",
        "name_zh": "思想共同引领",
        "name_en": "Shared ideological guidance",
        "description_zh": "两市职工共享学习阵地，共同确定学习题目、开展学习活动。",
        "description_en": (
            "Shared study venues open to both cities' members, and shared study topics."
        ),
    },
    {
        "key": "rights",
        "position": 2,
        "icon": "shield-check",
        "name_zh": "权益共同维护",
        "name_en": "Jointly protecting workers' rights",
        "description_zh": "一市职工在另一市发生劳动争议，两地工会转介协作、跟踪到底。",
        "description_en": (
            "A worker of one city with a dispute in the other is referred and followed to an "
            "outcome."
        ),
    },
    {
        "key": "skills",
        "position": 3,
        "icon": "tools",
        "name_zh": "技能共同提升",
        "name_en": "Joint skill improvement",
        "description_zh": "联合举办职工技能竞赛，竞赛结果和技术能手称号两市互认。",
        "description_en": (
            "Joint skill competitions whose results and titles both cities recognise."
        ),
    },
    {
        "key": "wellbeing",
        "position": 4,
        "icon": "heart-pulse",
        "name_zh": "身心共同关爱",
        "name_en": "Caring for body and mind together",
        "description_zh": "职工疗休养基地互认，一市会员可到另一市基地疗休养。",
        "description_en": (
            "Mutually recognised sanatorium bases, so members of one city can recuperate in "
            "the other."
        ),
    },
    {
        "key": "projects",
        "position": 5,
        "icon": "kanban",
        "name_zh": "项目共同研究",
        "name_en": "Joint research projects",
        "description_zh": "每个共都以项目为载体推进，设置节点，两市共同看得见进展。",
        "description_en": "Every common is carried by projects with milestones both cities see.",
    },
]
