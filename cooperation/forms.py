"""Forms of the cooperation pages. They validate what the user typed; the services
(cooperation.services) set what the user does not choose, such as the owning federation,
and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    Agreement,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Venue,
    today,
)
from members.forms import DateInput
from members.models import Federation
from members.scoping import editors_of


class ProjectForm(forms.ModelForm):
    """A project led by `lead_federation`: the form offers that federation's agreements,
    their other parties as partners and its staff as owners. The lead and the status are
    set by the services (project_create, project_status_change)."""

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
            "planned_start": DateInput(),
            "planned_end": DateInput(),
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


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProjectStatus.choices)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}


class NewMilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DateInput()}


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
        label=_("Attachments"),
        required=False,
        help_text=_("Images or PDF files, at most 10 MB in all."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["happened_on", "text", "is_public"]
        widgets = {"happened_on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = today()


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
