"""The cooperation admin. Lists and permissions are scoped like the pages
(members.admin_scoping); every write goes through cooperation.services with the signed-in user,
inline rows and bulk deletion included."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from cooperation import services
from cooperation.models import (
    ActionItem,
    Agreement,
    AgreementPhase,
    Attachment,
    Contact,
    Meeting,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    Referral,
    ReferralAttachment,
    Venue,
)
from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    ServiceWritesAdminMixin,
)
from members.models import Federation, User
from members.scoping import can_see_personal_data, editors_of, user_scope


def _own_staff(request):
    """Owners and authors are staff of the user's own federation."""
    scope = user_scope(request.user)
    if scope.is_superuser:
        return User.objects.all()
    return editors_of(scope.federation_id)


class AgreementPhaseInline(admin.TabularInline):
    model = AgreementPhase
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    """Agreements are the administrators' (they carry the change permission); staff of the
    parties read them."""

    list_display = ["title", "signed_on", "valid_from", "valid_until"]
    search_fields = ["title"]
    filter_horizontal = ["parties"]
    inlines = [AgreementPhaseInline]
    readonly_fields = ["document_name"]

    def save_model(self, request, obj, form, change):
        services.agreement_save(
            actor=request.user,
            agreement=obj,
            parties=form.cleaned_data["parties"],
            document=form.cleaned_data["document"] if "document" in form.changed_data else None,
        )

    service_writes_m2m = True  # agreement_save writes the parties

    def save_inline(self, request, parent, row, *, created):
        services.agreement_phase_save(actor=request.user, phase=row)

    def delete_inline(self, request, row):
        services.agreement_phase_delete(actor=request.user, phase=row)

    def delete_model(self, request, obj):
        services.agreement_delete(actor=request.user, agreement=obj)


@admin.register(Pillar)
class PillarAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    """The five commons are fixed rows from a data migration: read-only everywhere."""

    list_display = ["position", "key", "name_zh", "name_en"]


class MilestoneInline(FederationScopedInline):
    model = Milestone
    fields = ["title", "due_on", "done_on"]


class ProjectAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agreement") and cleaned.get("lead_federation"):
            try:
                services.validate_project_parties(
                    agreement=cleaned["agreement"],
                    lead_federation=cleaned["lead_federation"],
                    partner_federations=cleaned.get("partner_federations") or [],
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Project)
class ProjectAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    form = ProjectAdminForm
    list_display = [
        "title",
        "pillar",
        "lead_federation",
        "status",
        "planned_start",
        "planned_end",
        "actual_beneficiaries",
        "is_public",
    ]
    list_filter = ["pillar", "status", "lead_federation", "is_public"]
    search_fields = ["title", "department"]
    list_select_related = ["pillar", "lead_federation"]
    inlines = [MilestoneInline]
    # Status moves only through the allowed transitions, on the project's page.
    readonly_fields = ["status"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "partner_federations":
            kwargs.setdefault("queryset", Federation.objects.for_user(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pillar":
            kwargs.setdefault("queryset", Pillar.objects.all())
        elif db_field.name == "owner":
            kwargs.setdefault("queryset", _own_staff(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        partners = form.cleaned_data["partner_federations"]
        if change:
            services.project_update(actor=request.user, project=obj, partner_federations=partners)
        else:
            services.project_create(actor=request.user, project=obj, partner_federations=partners)

    service_writes_m2m = True  # the project's services write the partners

    def save_inline(self, request, parent, row, *, created):
        if created:
            services.milestone_create(actor=request.user, project=parent, milestone=row)
        else:
            services.milestone_update(actor=request.user, milestone=row)

    def delete_inline(self, request, row):
        services.milestone_delete(actor=request.user, milestone=row)

    def delete_model(self, request, obj):
        services.project_delete(actor=request.user, project=obj)


class AttachmentInline(FederationScopedInline):
    model = Attachment
    fields = ["original_name", "kind", "size"]
    readonly_fields = ["original_name", "kind", "size"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Files come through the project page, where they are checked by content.
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["project", "happened_on", "federation", "author", "is_public"]
    list_filter = ["is_public", "federation"]
    search_fields = ["project__title", "text"]
    list_select_related = ["project", "federation", "author"]
    inlines = [AttachmentInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            # Lead or partner: the projects the user may report on.
            kwargs.setdefault("queryset", Project.objects.updatable_by(request.user))
        elif db_field.name == "author":
            kwargs.setdefault("queryset", _own_staff(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.progress_update_update(actor=request.user, update=obj)
        else:
            services.progress_update_create(actor=request.user, update=obj)

    def save_formset(self, request, form, formset, change):
        # The only inline, AttachmentInline, is read-only.
        pass

    def delete_model(self, request, obj):
        services.progress_update_delete(actor=request.user, update=obj)


@admin.register(Venue)
class VenueAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["name", "federation", "kind", "open_to_partners", "contact_name"]
    list_filter = ["federation", "kind", "open_to_partners"]
    search_fields = ["name", "address"]
    list_select_related = ["federation"]

    def save_model(self, request, obj, form, change):
        if change:
            services.venue_update(actor=request.user, venue=obj)
        else:
            services.venue_create(actor=request.user, venue=obj)

    def delete_model(self, request, obj):
        services.venue_delete(actor=request.user, venue=obj)


# --- liaison ---


@admin.register(Contact)
class ContactAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["name", "federation", "level", "department", "title", "phone"]
    list_filter = ["federation", "level"]
    search_fields = ["name", "department", "title"]
    list_select_related = ["federation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "counterpart":
            # The counterpart is a partner's contact: among those the user reads.
            kwargs.setdefault("queryset", Contact.objects.for_user(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.contact_update(actor=request.user, contact=obj)
        else:
            services.contact_create(actor=request.user, contact=obj)

    def delete_model(self, request, obj):
        services.contact_delete(actor=request.user, contact=obj)


@admin.register(Meeting)
class MeetingAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["title", "level", "host_federation", "starts_at", "place", "status"]
    list_filter = ["level", "status", "host_federation"]
    search_fields = ["title", "place"]
    list_select_related = ["host_federation"]
    filter_horizontal = ["attendees"]
    # Held or cancelled only through the meeting's page (the allowed transitions); outcomes
    # are recorded there too, where a task gets its action item.
    readonly_fields = ["status", "minutes_file_name", "outcome_list"]

    @admin.display(description=_("outcomes"))
    def outcome_list(self, obj):
        outcomes = obj.outcomes.all() if obj.pk else []
        return (
            format_html_join(
                "", "<div>{} · {}</div>", ((o.get_kind_display(), o.text) for o in outcomes)
            )
            or "—"
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attendees":
            kwargs.setdefault("queryset", Contact.objects.for_user(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        attendees = form.cleaned_data["attendees"]
        if change:
            upload = form.cleaned_data.get("minutes_file")
            services.meeting_update(
                actor=request.user,
                meeting=obj,
                attendees=attendees,
                minutes_file=upload if "minutes_file" in form.changed_data and upload else None,
            )
        else:
            services.meeting_create(actor=request.user, meeting=obj, attendees=attendees)

    service_writes_m2m = True  # the meeting's services write the attendees

    def delete_model(self, request, obj):
        services.meeting_delete(actor=request.user, meeting=obj)


@admin.register(ActionItem)
class ActionItemAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    """Action items come from task outcomes on the meeting's page, and change status
    there; the admin changes their details."""

    list_display = ["title", "owner_federation", "assignee", "due_on", "status"]
    list_filter = ["status", "owner_federation"]
    search_fields = ["title"]
    list_select_related = ["owner_federation", "assignee"]
    fields = [
        "title",
        "meeting",
        "owner_federation",
        "assignee",
        "due_on",
        "status",
        "done_on",
        "drop_reason",
    ]
    readonly_fields = ["meeting", "owner_federation", "status", "done_on", "drop_reason"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.action_item_update(actor=request.user, action_item=obj)

    def delete_model(self, request, obj):
        services.action_item_delete(actor=request.user, action_item=obj)


# --- referrals ---


class ReferralAttachmentInline(FederationScopedInline):
    model = ReferralAttachment
    fields = ["original_name", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Files come through the referral page, where they are checked by content.
        return False


@admin.register(Referral)
class ReferralAdmin(ServiceWritesAdminMixin, FederationScopedAdmin):
    """Confidential like the pages: the list holds only referrals the user's federation sent
    or received (ReferralQuerySet.for_user); the sender's staff change its details, the
    receiving side reads them with the worker's numbers masked. The workflow moves on the
    referral's page. The history of values stays out of the admin (it holds the numbers);
    the referral's page shows it, masked as needed."""

    list_display = [
        "reference",
        "category",
        "from_federation",
        "to_federation",
        "masked_contact",
        "status",
        "submitted_at",
        "acknowledge_by",
    ]
    list_filter = ["status", "category", "from_federation", "to_federation"]
    search_fields = ["summary"]
    list_select_related = ["from_federation", "to_federation"]
    autocomplete_fields = ["member"]
    inlines = [ReferralAttachmentInline]
    # The receiving side names its officer when it accepts (on the referral's page).
    readonly_fields = [
        "receiver_officer",
        "status",
        "submitted_at",
        "acknowledge_by",
        "acknowledged_at",
        "resolved_at",
        "forwarded_to",
        "outcome",
        "reason",
        "created_by",
    ]
    fields = [
        "from_federation",
        "to_federation",
        "category",
        "member",
        "worker_name",
        "mobile",
        "id_number",
        "summary",
        "requested_help",
        "sender_officer",
        "sender_officer_name",
        "receiver_officer_name",
        *readonly_fields,
    ]

    @admin.display(description=_("referral"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("worker's contact"))
    def masked_contact(self, obj):
        return obj.masked_contact

    @admin.display(description=_("worker's mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("worker's resident ID number"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def _shows_personal(self, request, obj):
        return obj is None or can_see_personal_data(request.user, obj.from_federation_id)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self._shows_personal(request, obj):
            at = fields.index("mobile")
            fields = [f for f in fields if f not in Referral.PERSONAL_FIELDS]
            fields[at:at] = ["masked_mobile", "masked_id_number"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Its parties and its worker stay as submitted.
            readonly += ["from_federation", "to_federation", "member"]
        if not self._shows_personal(request, obj):
            readonly += ["masked_mobile", "masked_id_number"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = user_scope(request.user)
        if db_field.name == "to_federation" and not scope.is_superuser:
            kwargs.setdefault(
                "queryset",
                Federation.objects.filter(
                    pk__in=services.referral_partner_ids(scope.federation_id)
                ),
            )
        elif db_field.name == "sender_officer":
            kwargs.setdefault("queryset", _own_staff(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.referral_update(actor=request.user, referral=obj)
        else:
            services.referral_create(actor=request.user, referral=obj)

    def save_formset(self, request, form, formset, change):
        # The only inline, ReferralAttachmentInline, is read-only: nothing to write (the
        # change message still asks what was).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.referral_delete(actor=request.user, referral=obj)
