"""The five commons (五个共) of the agreement, in the order the speech names them."""

from django.utils.translation import gettext_lazy as _

FIVE_COMMONS = [
    {
        "key": "ideology",
        "icon": "lightbulb",
        "name": _("Shared ideological guidance"),
        "description": _(
            "Shared study venues open to both cities' members, and shared study topics."
        ),
    },
    {
        "key": "rights",
        "icon": "shield-check",
        "name": _("Jointly protecting workers' rights"),
        "description": _(
            "A worker of one city with a dispute in the other is referred and followed to an "
            "outcome."
        ),
    },
    {
        "key": "skills",
        "icon": "tools",
        "name": _("Joint skill improvement"),
        "description": _(
            "Joint skill competitions whose results and titles both cities recognise."
        ),
    },
    {
        "key": "wellbeing",
        "icon": "heart-pulse",
        "name": _("Caring for body and mind together"),
        "description": _(
            "Mutually recognised sanatorium bases, so members of one city can recuperate in "
            "the other."
        ),
    },
    {
        "key": "projects",
        "icon": "kanban",
        "name": _("Joint research projects"),
        "description": _("Every common is carried by projects with milestones both cities see."),
    },
]
