"""The member roster as an import kind (members.imports).

Each row is checked as `member_create` would check it — the field rules (ID number with its
check digit, mobile number, gender against the ID number, lengths), the organisation among
those of the importing federation that the actor changes, the card and ID numbers unique in
the federation — but against what `prepare` loaded once (organisations by name, the
federation's card and ID numbers in dictionaries), not with five queries a row. Good rows
are written in batches with their history rows and the acting user
(bulk_create_with_history / bulk_update_with_history).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members import idcard
from members.imports import Checked, Column, Context, ImportSpec, register
from members.models import Member, Organisation
from members.services import require_perm
from members.validators import normalise_mobile, validate_id_number, validate_mobile

GENDERS = {
    "男": "M",
    "m": "M",
    "male": "M",
    "女": "F",
    "f": "F",
    "female": "F",
}

UPDATED_FIELDS = [
    "name",
    "organisation",
    "card_number",
    "mobile",
    "gender",
    "employment_form",
    "join_date",
    "updated_at",
]


def _employment_forms() -> dict[str, str]:
    """Each employment form by its code and by its label in Chinese and in English."""
    forms = {}
    for value, label in Member.EmploymentForm.choices:
        forms[value.casefold()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                forms[str(label).casefold()] = value
    return forms


class MemberImport(ImportSpec):
    kind = "members"
    label = gettext_lazy("members")
    permission = "members.add_member"
    list_url = "members:list"
    update_help = gettext_lazy(
        "Rows whose ID number is already registered in your federation update that member "
        "instead of being refused as duplicates."
    )
    columns = (
        Column("name", "姓名", ("name",), help=gettext_lazy("The member's full name.")),
        Column("gender", "性别", ("gender",), help=gettext_lazy("M or F.")),
        Column(
            "id_number",
            "身份证号",
            ("ID number", "resident ID number", "id_number"),
            help=gettext_lazy("18 characters with its check digit; keep the cell as text."),
        ),
        Column(
            "mobile",
            "手机号",
            ("mobile", "mobile number", "phone"),
            help=gettext_lazy("11-digit mainland mobile number."),
        ),
        Column(
            "card_number",
            "会员卡号",
            ("card number", "member card number", "card_number"),
            help=gettext_lazy("Unique in your federation."),
        ),
        Column(
            "organisation",
            "所属工会",
            ("organisation", "organization", "union"),
            help=gettext_lazy("The name of a union of your federation, as the portal lists it."),
        ),
        Column(
            "employment_form",
            "就业形态",
            ("employment form", "employment_form"),
            required=False,
            help=gettext_lazy("Optional; an employment form as the portal lists it."),
        ),
        Column(
            "join_date",
            "入会日期",
            ("join date", "join_date"),
            kind="date",
            help=gettext_lazy("2024/3/1, 2024-3-1 or a date cell."),
        ),
    )

    def organisations(self, ctx: Context):
        orgs = Organisation.objects.filter(federation=ctx.federation)
        if ctx.actor is not None:
            orgs = orgs & Organisation.objects.editable_by(ctx.actor)
        return orgs

    def prepare(self, ctx: Context) -> None:
        cache = ctx.cache
        cache["orgs"] = {org.name: org.pk for org in self.organisations(ctx)}
        cache["forms"] = _employment_forms()
        existing = Member.objects.filter(federation=ctx.federation).values_list(
            "pk", "id_number", "card_number"
        )
        cache["by_id"] = {}
        cache["by_card"] = {}
        for pk, id_number, card_number in existing.iterator(chunk_size=5000):
            cache["by_id"][id_number] = pk
            cache["by_card"][card_number] = pk
        cache["seen_ids"] = {}
        cache["seen_cards"] = {}
        cache["now"] = timezone.now()

    def check(self, ctx: Context, result: Checked, values: dict) -> None:
        cache = ctx.cache
        name = values["name"]
        card = values["card_number"]
        result.label = f"{name} {card}".strip()
        if len(name) > 100:
            result.error("name", _("At most %(count)s characters.") % {"count": 100})
        if len(card) > 30:
            result.error("card_number", _("At most %(count)s characters.") % {"count": 30})

        id_number = idcard.normalise(values["id_number"])
        if id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                result.error("id_number", error.messages[0])
                id_number = ""
        mobile = normalise_mobile(values["mobile"])
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError as error:
                result.error("mobile", error.messages[0])

        gender = GENDERS.get(values["gender"].casefold()) if values["gender"] else None
        if values["gender"] and gender is None:
            result.error("gender", _("Write M or F."))
        if gender and id_number:
            expected = "M" if idcard.is_male(id_number) else "F"
            if gender != expected:
                result.error("gender", _("The gender does not match the ID number."))

        organisation_id = cache["orgs"].get(values["organisation"])
        if values["organisation"] and organisation_id is None:
            result.error(
                "organisation",
                _("Your federation has no union named %(name)s.")
                % {"name": values["organisation"]},
            )

        form_text = values["employment_form"]
        employment_form = cache["forms"].get(form_text.casefold()) if form_text else "employee"
        if employment_form is None:
            result.error("employment_form", _("Not one of the portal's employment forms."))

        # Duplicates inside the file, then against the register.
        existing_pk = None
        if id_number:
            if id_number in cache["seen_ids"]:
                result.error(
                    "id_number",
                    _("The same ID number is in row %(row)s.")
                    % {"row": cache["seen_ids"][id_number]},
                )
            else:
                cache["seen_ids"][id_number] = result.row
            existing_pk = cache["by_id"].get(id_number)
            if existing_pk is not None and not ctx.update_existing:
                result.error(
                    "id_number",
                    _(
                        "A member with this ID number is already registered in your "
                        "federation; choose “update existing” to update them."
                    ),
                )
        if card:
            if card in cache["seen_cards"]:
                result.error(
                    "card_number",
                    _("The same member card number is in row %(row)s.")
                    % {"row": cache["seen_cards"][card]},
                )
            else:
                cache["seen_cards"][card] = result.row
            holder = cache["by_card"].get(card)
            if holder is not None and holder != existing_pk:
                result.error(
                    "card_number",
                    _("Member card number %(number)s is already used in this federation.")
                    % {"number": card},
                )
        if result.errors:
            return
        result.action = "update" if existing_pk else "new"
        result.payload = {
            "pk": existing_pk,
            "name": name,
            "card_number": card,
            "id_number": id_number,
            "mobile": mobile,
            "gender": gender,
            "organisation_id": organisation_id,
            "employment_form": employment_form,
            "join_date": values["join_date"],
        }

    def write(self, ctx: Context, batch: list[Checked]) -> None:
        require_perm(ctx.actor, "members.add_member")
        fields = lambda p: {k: v for k, v in p.items() if k != "pk"}  # noqa: E731
        new = [
            Member(federation_id=ctx.federation.pk, **fields(r.payload))
            for r in batch
            if r.action == "new"
        ]
        updates = {r.payload["pk"]: r.payload for r in batch if r.action == "update"}
        if new:
            bulk_create_with_history(
                new,
                Member,
                batch_size=len(new),
                default_user=ctx.actor,
                default_change_reason=ctx.reason,
            )
        if updates:
            require_perm(ctx.actor, "members.change_member")
            members = list(Member.objects.filter(federation=ctx.federation, pk__in=list(updates)))
            for member in members:
                for key, value in fields(updates[member.pk]).items():
                    setattr(member, key, value)
                member.updated_at = ctx.cache["now"]
            bulk_update_with_history(
                members,
                Member,
                UPDATED_FIELDS,
                batch_size=len(members),
                default_user=ctx.actor,
                default_change_reason=ctx.reason,
            )


member_import = register(MemberImport())
