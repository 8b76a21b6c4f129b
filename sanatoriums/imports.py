"""Sanatorium bases as an import kind (members.imports): the same mechanism as the member
roster, one spec of columns, a row check and a write.

A federation has tens of bases, not thousands, so each row is checked with the model's own
`full_clean` (the field rules, stars 1–5, the contact phone) and written one by one through
`sanatorium_create` / `sanatorium_update`, with the acting user on each history row; what
is compared against (names in use, themes) is still loaded once.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.imports import Checked, Column, Context, ImportSpec, register
from sanatoriums import services
from sanatoriums.models import Sanatorium, Theme

# Model field → the column it comes from (for the model's own messages).
FIELDS = {
    "name": "name",
    "region": "region",
    "address": "address",
    "stars": "stars",
    "beds": "beds",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "certified_on": "certified_on",
    "facilities": "facilities",
    "description": "description",
}
UPDATED_FIELDS = [f for f in FIELDS if f != "name"]


class SanatoriumImport(ImportSpec):
    kind = "sanatoriums"
    label = gettext_lazy("sanatorium bases")
    permission = "sanatoriums.add_sanatorium"
    list_url = "sanatoriums:manage"
    update_help = gettext_lazy(
        "Rows whose name is already one of your federation's bases update that base."
    )
    columns = (
        Column("name", "名称", ("name",), help=gettext_lazy("Unique among your bases.")),
        Column("region", "区县", ("district", "region"), help=gettext_lazy("E.g. Chun'an County.")),
        Column("address", "地址", ("address",)),
        Column("stars", "星级", ("stars",), kind="integer", help=gettext_lazy("1 to 5.")),
        Column("beds", "床位数", ("beds",), required=False, kind="integer"),
        Column("contact_name", "联系人", ("contact person", "contact")),
        Column(
            "contact_phone",
            "联系电话",
            ("contact phone", "phone"),
            help=gettext_lazy("A mobile number or a landline with its area code."),
        ),
        Column(
            "certified_on",
            "认证日期",
            ("certification date", "certified on"),
            required=False,
            kind="date",
        ),
        Column(
            "themes",
            "主题",
            ("themes",),
            required=False,
            help=gettext_lazy("Theme names, separated by commas."),
        ),
        Column("facilities", "设施", ("facilities",), required=False),
        Column("description", "简介", ("description",), required=False),
    )

    def prepare(self, ctx: Context) -> None:
        ctx.cache["bases"] = {
            name: pk
            for pk, name in Sanatorium.objects.filter(federation=ctx.federation).values_list(
                "pk", "name"
            )
        }
        themes = {}
        for theme in Theme.objects.all():
            for name in (theme.key, theme.name_zh, theme.name_en):
                themes[name.casefold()] = theme
        ctx.cache["themes"] = themes
        ctx.cache["seen"] = {}

    def check(self, ctx: Context, result: Checked, values: dict) -> None:
        cache = ctx.cache
        name = values["name"]
        result.label = name
        themes = []
        for part in filter(None, (p.strip() for p in re.split(r"[、,，;；]", values["themes"]))):
            theme = cache["themes"].get(part.casefold())
            if theme is None:
                result.error("themes", _("No theme is named %(name)s.") % {"name": part})
            else:
                themes.append(theme)
        existing = cache["bases"].get(name)
        if name in cache["seen"]:
            result.error(
                "name", _("The same name is in row %(row)s.") % {"row": cache["seen"][name]}
            )
        cache["seen"].setdefault(name, result.row)
        if existing and not ctx.update_existing:
            result.error(
                "name",
                _(
                    "Your federation already has a base with this name; choose “update "
                    "existing” to update it."
                ),
            )
        fields = {key: values[key] for key in FIELDS if values.get(key) is not None}
        base = Sanatorium(federation=ctx.federation, **fields)
        try:
            base.full_clean(
                exclude=["federation"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                key = FIELDS.get(field, "name")
                if key not in result.errors:  # "required" is said once, by the engine
                    for message in messages:
                        result.error(key, message)
        if not result.errors:
            result.action = "update" if existing else "new"
            result.payload = (existing, fields, themes)

    def write(self, ctx: Context, batch: list[Checked]) -> None:
        for result in batch:
            existing, fields, themes = result.payload
            if existing:
                base = Sanatorium.objects.get(pk=existing, federation=ctx.federation)
                for key in UPDATED_FIELDS:
                    if key in fields:
                        setattr(base, key, fields[key])
                base._change_reason = ctx.reason
                services.sanatorium_update(actor=ctx.actor, sanatorium=base, themes=themes)
            else:
                services.sanatorium_create(
                    actor=ctx.actor,
                    sanatorium=Sanatorium(federation=ctx.federation, **fields),
                    themes=themes,
                    reason=ctx.reason,
                )


sanatorium_import = register(SanatoriumImport())
