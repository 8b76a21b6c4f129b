"""Forms of the cooperation pages. They validate what the user typed; the services
(cooperation.services) set what the user does not choose, such as the owning federation,
and save."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ActionItem,
    Agreement,
    Contact,
    Meeting,
    MeetingOutcome,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Referral,
    Venue,
    today,
)
from members.forms import DateInput
from members.models import Federation, Member, Organisation, User
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


# --- liaison ---


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in Asia/Shanghai."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # noqa: A002 (Django's own name)
        super().__init__(attrs, format)


class ContactForm(forms.ModelForm):
    """A contact of the user's own federation; its counterpart is a partner's contact."""

    class Meta:
        model = Contact
        fields = ["level", "department", "name", "title", "phone", "email", "counterpart"]

    def __init__(self, *args, federation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = (
            Contact.objects.for_user(user)
            .exclude(federation=federation)
            .select_related("federation")
        )


class MeetingForm(forms.ModelForm):
    """A meeting hosted by `host`: attendees are contacts of the host and its partners."""

    class Meta:
        model = Meeting
        fields = [
            "title",
            "level",
            "starts_at",
            "ends_at",
            "place",
            "attendees",
            "other_attendees",
            "agenda",
            "minutes",
            "minutes_file",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "attendees": forms.CheckboxSelectMultiple,
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, host, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            Contact.objects.for_user(user)
            .select_related("federation")
            .order_by("federation__code", "level", "name")
        )
        self.fields["minutes_file"].widget.attrs["accept"] = "image/*,application/pdf"
        if self.instance.pk is None:
            self.fields.pop("minutes")
            self.fields.pop("minutes_file")


class OutcomeForm(forms.ModelForm):
    """An outcome; for a task, also its action item's owner, assignee and due date."""

    owner_federation = forms.ModelChoiceField(
        label=_("Owner federation"), queryset=Federation.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Contact.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    class Meta:
        model = MeetingOutcome
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, meeting, parties, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_federation"].queryset = Federation.objects.filter(pk__in=parties)
        self.fields["assignee"].queryset = (
            Contact.objects.for_user(user)
            .filter(federation__in=parties)
            .select_related("federation")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MeetingOutcome.Kind.TASK:
            for name in ("owner_federation", "due_on"):
                if not cleaned.get(name):
                    self.add_error(name, _("A task needs this."))
        return cleaned

    def action_item(self):
        """The unsaved action item of a task, or None."""
        if self.cleaned_data.get("kind") != MeetingOutcome.Kind.TASK:
            return None
        return ActionItem(
            title=self.cleaned_data["text"][:200],
            owner_federation=self.cleaned_data["owner_federation"],
            assignee=self.cleaned_data.get("assignee"),
            due_on=self.cleaned_data["due_on"],
        )


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ActionItem.Status.choices)
    drop_reason = forms.CharField(label=_("Reason for dropping"), required=False, max_length=1000)


# --- referrals ---


class ReferralForm(forms.ModelForm):
    """A new referral from `federation` (set by the service): the partner it goes to, the
    worker (a member found by card number, or a name with a mobile or ID number), the case
    and the liaison officers."""

    member_card_number = forms.CharField(
        label=_("Member card number"),
        max_length=30,
        required=False,
        help_text=_("When the worker is a member of your federation; leave empty otherwise."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Images or PDF files, at most 10 MB in all."),
    )

    class Meta:
        model = Referral
        fields = [
            "to_federation",
            "category",
            "worker_name",
            "mobile",
            "id_number",
            "summary",
            "requested_help",
            "sender_officer",
            "sender_officer_name",
            "receiver_officer_name",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "requested_help": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["to_federation", "category", "member_card_number"]

    def __init__(self, *args, federation, partner_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation = federation
        # The service sets it too; the model's checks (the member's federation) need it now.
        self.instance.from_federation = federation
        self.fields["to_federation"].queryset = Federation.objects.filter(
            pk__in=partner_ids
        ).order_by("code")
        self.fields["to_federation"].empty_label = None
        self.fields["sender_officer"].queryset = editors_of(federation.pk).order_by("username")
        self.fields["sender_officer"].help_text = _("Yourself, unless you name another.")
        self.fields["worker_name"].required = False
        self.fields["worker_name"].help_text = _("Needed when the worker is not a member.")

    def clean(self):
        cleaned = super().clean()
        card = (cleaned.get("member_card_number") or "").strip()
        if card:
            member = Member.objects.filter(federation=self.federation, card_number=card).first()
            if member is None:
                self.add_error(
                    "member_card_number",
                    ValidationError(
                        _("Your federation has no member with card number %(card)s."),
                        code="no_such_member",
                        params={"card": card},
                    ),
                )
            else:
                self.instance.member = member
                cleaned["worker_name"] = self.instance.worker_name = member.name
        elif not cleaned.get("worker_name"):
            self.add_error(
                "worker_name",
                ValidationError(
                    _("Please give the worker's name, or a member card number."),
                    code="worker_required",
                ),
            )
        return cleaned


class ReferralReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferralAcceptForm(forms.Form):
    receiver_officer = forms.ModelChoiceField(
        label=_("Liaison officer"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Yourself, unless you name another."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver_officer"].queryset = editors_of(referral.to_federation_id).order_by(
            "username"
        )


class ReferralForwardForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Forward to"), queryset=Organisation.objects.none()
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            federation_id=referral.to_federation_id
        ).order_by("name")
