"""Liaison contacts as an import kind (members.imports): the same mechanism as the member
roster and the sanatorium bases, one spec of columns, a row check and a write.

A federation has tens of contacts, not thousands, so each row is checked with the model's
own `full_clean` (lengths, the e-mail address) and written one by one through
`contact_create` / `contact_update`, with the acting user on each history row. A contact is
the same person when the name and the department are the same in the importing federation
(the model has no unique key; that is how the directory tells two people apart). What is
compared against — the federation's contacts and the levels by code and label — is loaded
once. The headers of the directory's own export are accepted too, so that an exported file
comes back in with "update existing". The counterpart is not imported: it is chosen on the
contact's page, and an update keeps it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation import services
from cooperation.models import Contact, LiaisonLevel
from members.imports import Checked, Column, Context, ImportSpec, register

# Model field → the column it comes from (for the model's own messages).
FIELDS = {
    "name": "name",
    "level": "level",
    "department": "department",
    "title": "title",
    "phone": "phone",
    "email": "email",
}
UPDATED_FIELDS = ["level", "title", "phone", "email"]


def _key(text: str) -> str:
    """A level as written, compared without case, spaces, hyphens or underscores."""
    return "".join(text.split()).casefold().replace("-", "").replace("_", "")


def _levels() -> dict[str, str]:
    """Each level by its code and by its label in Chinese and in English."""
    levels = {}
    for value, label in LiaisonLevel.choices:
        levels[_key(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                levels[_key(str(label))] = value
    return levels


def _level_help() -> str:
    return _("One of: %(levels)s.") % {"levels": " / ".join(map(str, LiaisonLevel.labels))}


class ContactImport(ImportSpec):
    kind = "contacts"
    label = gettext_lazy("liaison contacts")
    permission = "cooperation.add_contact"
    list_url = "cooperation:contacts"
    update_help = gettext_lazy(
        "Rows with the name and department of one of your federation's contacts update that "
        "contact's level, position, telephone and e-mail."
    )
    columns = (
        Column("name", "姓名", ("name",), help=gettext_lazy("The contact's full name.")),
        Column("level", "层级", ("level", "级别"), help=lazy(_level_help, str)()),
        Column(
            "department",
            "部门",
            ("department", "department or union", "部门或工会"),
            required=False,
            help=gettext_lazy("The department or union; with the name, it tells contacts apart."),
        ),
        Column("title", "职务", ("position", "title"), required=False),
        Column(
            "phone",
            "电话",
            ("work telephone", "telephone", "phone", "工作电话"),
            required=False,
            help=gettext_lazy("A work number: staff of both federations read it."),
        ),
        Column("email", "邮箱", ("email", "e-mail", "电子邮箱"), required=False),
    )

    def prepare(self, ctx: Context) -> None:
        existing: dict[tuple[str, str], list[int]] = {}
        for pk, name, department in Contact.objects.filter(federation=ctx.federation).values_list(
            "pk", "name", "department"
        ):
            existing.setdefault((name, department), []).append(pk)
        ctx.cache["contacts"] = existing
        ctx.cache["levels"] = _levels()
        ctx.cache["seen"] = {}

    def check(self, ctx: Context, result: Checked, values: dict) -> None:
        cache = ctx.cache
        name, department = values["name"], values["department"]
        result.label = f"{name} · {department}" if department else name
        level = cache["levels"].get(_key(values["level"])) if values["level"] else ""
        if level is None:
            result.error("level", _("Not one of the liaison levels."))
            level = ""

        # Duplicates inside the file, then against the directory.
        key = (name, department)
        if name and key in cache["seen"]:
            result.error(
                "name",
                _("The same name and department are in row %(row)s.") % {"row": cache["seen"][key]},
            )
        cache["seen"].setdefault(key, result.row)
        matches = cache["contacts"].get(key, [])
        if len(matches) > 1:
            result.error(
                "name",
                _(
                    "Your federation has %(count)s contacts with this name and department; "
                    "change them on their pages."
                )
                % {"count": len(matches)},
            )
        elif matches and not ctx.update_existing:
            result.error(
                "name",
                _(
                    "Your federation already has a contact with this name and department; "
                    "choose “update existing” to update it."
                ),
            )

        fields = {field: values[column] for field, column in FIELDS.items()}
        fields["level"] = level
        contact = Contact(federation=ctx.federation, **fields)
        try:
            contact.full_clean(
                exclude=["federation"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = FIELDS.get(field, "name")
                if column not in result.errors:  # "required" is said once, by the engine
                    for message in messages:
                        result.error(column, message)
        if not result.errors:
            existing = matches[0] if matches else None
            result.action = "update" if existing else "new"
            result.payload = (existing, fields)

    def write(self, ctx: Context, batch: list[Checked]) -> None:
        stored = Contact.objects.filter(federation=ctx.federation).in_bulk(
            [r.payload[0] for r in batch if r.payload[0]]
        )
        for result in batch:
            existing, fields = result.payload
            if existing:
                contact = stored[existing]
                for field in UPDATED_FIELDS:
                    setattr(contact, field, fields[field])
                services.contact_update(actor=ctx.actor, contact=contact, reason=ctx.reason)
            else:
                services.contact_create(
                    actor=ctx.actor,
                    contact=Contact(federation=ctx.federation, **fields),
                    reason=ctx.reason,
                )


contact_import = register(ContactImport())
