import datetime

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Federation
from sanatoriums.models import PHOTO_MAX_BYTES, Sanatorium


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
