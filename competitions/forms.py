import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from competitions.models import Event
from members.models import Member


class EntryForm(forms.Form):
    """Staff enter a member of their own federation by member card number; the service
    checks the cap, the deadline, eligibility and duplicates."""

    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none())
    card_number = forms.CharField(
        label=_("Member card number"),
        max_length=30,
        help_text=_("A member of your own federation."),
    )
    years_in_job = forms.IntegerField(label=_("Years in the job"), min_value=0, max_value=60)

    def __init__(self, *args, competition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = competition.events.all()
        self.fields["event"].label_from_instance = lambda event: event.name
        self.fields["card_number"].widget.attrs.update(autocomplete="off", autocapitalize="none")
        self.members = Member.objects.editable_by(user)

    def clean_card_number(self):
        number = self.cleaned_data["card_number"].strip().upper()
        member = self.members.filter(card_number=number).select_related("federation").first()
        if member is None:
            raise forms.ValidationError(
                _("No member of your federation has the card number %(number)s."),
                code="unknown_member",
                params={"number": number},
            )
        self.cleaned_data["member"] = member
        return number


# --- the judge's scoring sheet ------------------------------------------------------------

#: A cell of the scoring sheet: ``score-<entrant number>-<part pk>``. Blind judging: the row
#: key is the entrant number (shuffled when judging starts), never the entry's primary key,
#: which follows entry order and so tells one federation's block from the other's.
SCORE_FIELD = re.compile(r"score-(?P<number>[1-9][0-9]{0,8})-(?P<part>[1-9][0-9]{0,17})")


def score_field_name(number: int, part_pk: int) -> str:
    return f"score-{number}-{part_pk}"


def score_sheet_values(data) -> dict[tuple[int, int], str]:
    """The cells of a posted scoring sheet: {(entrant number, part pk): value typed}, blank
    cells included (the service checks every number, even of an empty cell, and skips the
    empty ones). A ``score-…`` field of another shape is refused, so that nothing posted is
    silently ignored."""
    values, unknown = {}, []
    for name in data:
        if not name.startswith("score-"):
            continue
        match = SCORE_FIELD.fullmatch(name)
        if match is None:
            unknown.append(name)
            continue
        values[(int(match["number"]), int(match["part"]))] = data.get(name, "").strip()
    if unknown:
        raise ValidationError(
            [
                ValidationError(
                    _("The scoring sheet has no field %(name)s."),
                    code="unknown_field",
                    params={"name": name[:40]},
                )
                for name in sorted(unknown)
            ]
        )
    return values
