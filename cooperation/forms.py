from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.models import (
    Agreement,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Venue,
    today,
)
from members.models import Federation
from members.scoping import editors_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    """A project of the user's own federation (the lead). Its status is not here: it moves
    only through the status buttons (services.project_change_status)."""

    class Meta:
        model = Project
        fields = [
            "pillar",
            "agreement",
            "title",
            "description",
            "partner_federations",
            "department",
            "owner",
            "planned_start",
            "planned_end",
            "target_beneficiaries",
            "actual_beneficiaries",
            "is_public",
        ]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "partner_federations": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, lead_federation, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_federation = lead_federation
        self.fields["pillar"].empty_label = None
        agreements = Agreement.objects.filter(parties=lead_federation).order_by("-signed_on")
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].empty_label = None
        self.fields["partner_federations"].queryset = (
            Federation.objects.filter(agreements__in=agreements)
            .exclude(pk=lead_federation.pk)
            .distinct()
        )
        self.fields["owner"].queryset = editors_of(lead_federation.pk).order_by("username")

    def clean(self):
        cleaned = super().clean()
        agreement = cleaned.get("agreement")
        partners = cleaned.get("partner_federations")
        if agreement is not None and partners:
            parties = set(agreement.parties.values_list("pk", flat=True))
            outside = [f.name for f in partners if f.pk not in parties]
            if outside:
                self.add_error(
                    "partner_federations",
                    ValidationError(
                        _("%(names)s is not a party to the chosen agreement."),
                        code="partner_not_party",
                        params={"names": "、".join(outside)},
                    ),
                )
        return cleaned

    def save(self, commit=True):
        self.instance.lead_federation = self.lead_federation
        return super().save(commit)

    def _post_clean(self):
        # The lead must be set before the model's own validation runs.
        self.instance.lead_federation = self.lead_federation
        super()._post_clean()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProjectStatus.choices)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": DATE_WIDGET, "done_on": DATE_WIDGET}


class NewMilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE_WIDGET}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProgressUpdateForm(forms.ModelForm):
    files = MultipleFileField(
        label=_("attachments"),
        required=False,
        help_text=_("Images or PDF files, at most 10 MB each."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["happened_on", "text", "is_public"]
        widgets = {"happened_on": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = today()


YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    pillar = forms.ModelChoiceField(
        label=_("Common"),
        queryset=Pillar.objects.all(),
        required=False,
        empty_label=_("All commons"),
        to_field_name="key",
    )
    federation = forms.ChoiceField(label=_("Federation"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProjectStatus.choices],
    )
    delayed = forms.ChoiceField(label=_("Delayed"), required=False, choices=YES_NO)
    year = forms.TypedChoiceField(label=pgettext_lazy("filter", "Year"), required=False, coerce=int)

    def __init__(self, *args, federations, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].choices = [("", _("All federations"))] + [
            (f.code, f.name) for f in federations
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.fields["year"].empty_value = None


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "address",
            "opening_hours",
            "open_to_partners",
            "contact_name",
            "contact_phone",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, federation, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation = federation

    def clean_name(self):
        # The form leaves the federation out, so Django skips the unique constraint on
        # (federation, name): check it here for a message instead of a database error.
        name = self.cleaned_data["name"]
        clash = Venue.objects.filter(federation=self.federation, name=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise ValidationError(
                _("Your federation already has a venue called %(name)s."),
                code="duplicate_venue",
                params={"name": name},
            )
        return name

    def _post_clean(self):
        self.instance.federation = self.federation
        super()._post_clean()


class VenueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    federation = forms.ChoiceField(label=_("Federation"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Venue.Kind.choices]
    )
    open_to_partners = forms.ChoiceField(
        label=_("Open to partner members"), required=False, choices=YES_NO
    )

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].choices = [("", _("All federations"))] + [
            (f.code, f.name) for f in federations
        ]
