from django import forms
from django.contrib.auth.forms import AuthenticationForm

from members import idcard
from members.models import Member, Organisation
from members.validators import normalise_mobile


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's own name)
        super().__init__(attrs, format)


class MemberForm(forms.ModelForm):
    """A member of the user's own federation; the organisation list offers only the user's
    federation, so the member's federation can never be chosen by hand."""

    class Meta:
        model = Member
        fields = [
            "name",
            "organisation",
            "card_number",
            "id_number",
            "mobile",
            "gender",
            "employment_form",
            "join_date",
        ]
        widgets = {"join_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # People type numbers with blanks, dashes or +86: allow room, normalise in clean_*.
        self.fields["id_number"].max_length = 24
        self.fields["mobile"].max_length = 20
        for name in ("id_number", "mobile"):
            field = self.fields[name]
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.widget.attrs["maxlength"] = field.max_length
        self.fields["organisation"].queryset = Organisation.objects.editable_by(
            user
        ).select_related("federation")
        self.fields["id_number"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["mobile"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def clean_id_number(self):
        return idcard.normalise(self.cleaned_data["id_number"])

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])


class PortalAuthenticationForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Phones capitalise the first letter of a user name such as hz-staff.
        self.fields["username"].widget.attrs.update(autocapitalize="none")
