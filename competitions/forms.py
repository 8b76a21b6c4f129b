from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import Entry, Event
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

    def __init__(self, *args, competition, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = competition.events.all()
        self.fields["event"].label_from_instance = lambda event: event.name
        self.fields["card_number"].widget.attrs.update(autocomplete="off", autocapitalize="none")
        self.members = members

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


class EntryFilterForm(forms.Form):
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none(), required=False, empty_label=_("All events")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Entry.Status.choices],
    )

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = competition.events.all()
        self.fields["event"].label_from_instance = lambda event: event.name


def member_queryset_for(user):
    return Member.objects.editable_by(user)
