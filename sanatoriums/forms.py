import datetime

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Federation, Member, Organisation
from sanatoriums.models import PHOTO_MAX_BYTES, Batch, Booking, Route, Sanatorium


class SanatoriumForm(forms.ModelForm):
    class Meta:
        model = Sanatorium
        fields = [
            "name",
            "region",
            "address",
            "latitude",
            "longitude",
            "themes",
            "stars",
            "certified_on",
            "beds",
            "meal_seats",
            "facilities",
            "accessibility",
            "contact_name",
            "contact_phone",
            "description",
            "status",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "certified_on": DateInput(),
            "facilities": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


def _photo_help_text():
    return _("JPEG, PNG, GIF or WebP, at most %(size)s MB.") % {
        "size": PHOTO_MAX_BYTES // (1024 * 1024)
    }


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        # Lazy: `%` on a lazy string translates it at once, here when the module is imported.
        help_text=lazy(_photo_help_text, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=100)


class ProposeForm(forms.Form):
    federation = forms.ModelChoiceField(
        label=_("Recognising federation"), queryset=Federation.objects.none()
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = partners


def two_years_from(day):
    """The usual term of a recognition: two years, ending the day before the anniversary."""
    try:
        return day.replace(year=day.year + 2) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


class DecisionForm(forms.Form):
    """Approve (or renew) with validity dates, or reject with a reason."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
        initial=APPROVE,
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
    )
    reason = forms.CharField(
        label=_("Reason for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = two_years_from(today)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.APPROVE:
            for name in ("valid_from", "valid_until"):
                if not data.get(name):
                    self.add_error(name, _("Approval needs the dates of its validity."))
        elif data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2})
    )


# --- places ----------------------------------------------------------------------------------


class RouteForm(forms.ModelForm):
    class Meta:
        model = Route
        fields = [
            "name",
            "days",
            "price_per_day",
            "season_start",
            "season_end",
            "itinerary",
            "eligibility_notes",
        ]
        widgets = {
            "itinerary": forms.Textarea(attrs={"rows": 4}),
            "eligibility_notes": forms.Textarea(attrs={"rows": 2}),
        }


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = [
            "start_date",
            "end_date",
            "places",
            "min_group",
            "signup_deadline",
            "offer_days",
            "eligibility",
            "competition",
            "note",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "signup_deadline": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, competitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if competitions is not None:
            self.fields["competition"].queryset = competitions


class AllocationForm(forms.Form):
    federation = forms.ModelChoiceField(
        label=_("Federation"), queryset=Federation.objects.none(), empty_label=None
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000)

    def __init__(self, *args, federations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if federations is not None:
            self.fields["federation"].queryset = federations


class BatchStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Batch.Status.choices)


def parse_card_numbers(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").replace("，", " ").split() if part]


class ParticipantsField(forms.CharField):
    """Member card numbers, one per line (or separated by spaces or commas)."""

    widget = forms.Textarea(attrs={"rows": 4})


class ParticipantsMixin:
    """Turns the card numbers into members of the user's own federation."""

    def clean_participants(self):
        numbers = parse_card_numbers(self.cleaned_data.get("participants", ""))
        found = {m.card_number: m for m in self.members.filter(card_number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No member of your federation has the card number %(numbers)s."),
                code="unknown_card",
                params={"numbers": ", ".join(unknown)},
            )
        return [found[n] for n in dict.fromkeys(numbers)]


class BookingForm(ParticipantsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=500)
    participants = ParticipantsField(
        label=_("Participants"),
        required=False,
        help_text=_("Member card numbers, one per line. They can also be named later."),
    )
    contact_name = forms.CharField(label=_("Group leader"), max_length=50, required=False)
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=9,
        initial=0,
        required=False,
        help_text=_("On the waiting list, a higher priority is offered places first."),
    )
    waiting_list = forms.BooleanField(
        label=_("Put the group on the waiting list if there are not enough places"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations or Organisation.objects.none()
        self.members = members if members is not None else Member.objects.none()


class ParticipantsForm(ParticipantsMixin, forms.Form):
    participants = ParticipantsField(
        label=_("Participants"),
        required=False,
        help_text=_("Member card numbers, one per line."),
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members if members is not None else Member.objects.none()


class FeedbackForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


BOOKING_STATUSES = Booking.Status.choices
