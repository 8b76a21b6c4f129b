from django.contrib import admin

from cooperation.models import (
    Agreement,
    AgreementPhase,
    Attachment,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    Venue,
)
from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    PortalModelAdmin,
    ScopedHistoryAdmin,
)
from members.models import Federation, User
from members.scoping import editors_of, user_scope


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
class AgreementAdmin(FederationScopedAdmin, ScopedHistoryAdmin):
    """Agreements are the administrators' (they carry the change permission); staff of the
    parties read them."""

    list_display = ["title", "signed_on", "valid_from", "valid_until"]
    search_fields = ["title"]
    filter_horizontal = ["parties"]
    inlines = [AgreementPhaseInline]
    readonly_fields = ["document_name"]

    def save_model(self, request, obj, form, change):
        if "document" in form.changed_data and obj.document:
            # Keep the name people gave the file; it is stored under a random one.
            obj.document_name = form.cleaned_data["document"].name[-200:]
        super().save_model(request, obj, form, change)


@admin.register(Pillar)
class PillarAdmin(PortalModelAdmin):
    """The five commons are fixed rows from a data migration: read-only everywhere."""

    list_display = ["position", "key", "name_zh", "name_en"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MilestoneInline(FederationScopedInline):
    model = Milestone
    fields = ["title", "due_on", "done_on"]


@admin.register(Project)
class ProjectAdmin(FederationScopedAdmin, ScopedHistoryAdmin):
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


class AttachmentInline(FederationScopedInline):
    model = Attachment
    fields = ["original_name", "kind", "size"]
    readonly_fields = ["original_name", "kind", "size"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Files come through the project page, where they are checked by content.
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(FederationScopedAdmin, ScopedHistoryAdmin):
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


@admin.register(Venue)
class VenueAdmin(FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["name", "federation", "kind", "open_to_partners", "contact_name"]
    list_filter = ["federation", "kind", "open_to_partners"]
    search_fields = ["name", "address"]
    list_select_related = ["federation"]
