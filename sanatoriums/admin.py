"""The admin of bases, photos, themes and recognitions. Every write goes through
sanatoriums.services, as on the portal's pages."""

from django.contrib import admin

from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    ServiceWritesAdminMixin,
)
from sanatoriums import services
from sanatoriums.models import (
    Allocation,
    Batch,
    Booking,
    Feedback,
    Photo,
    Recognition,
    Route,
    Sanatorium,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(ServiceWritesAdminMixin, PortalModelAdmin):
    list_display = ["key", "name_zh", "name_en", "icon", "position"]
    list_editable = ["position"]
    search_fields = ["key", "name_zh", "name_en"]

    def save_model(self, request, obj, form, change):
        if change:
            services.theme_update(actor=request.user, theme=obj)
        else:
            services.theme_create(actor=request.user, theme=obj)

    def delete_model(self, request, obj):
        services.theme_delete(actor=request.user, theme=obj)


class PhotoInline(FederationScopedInline):
    """Photos are added on the portal's page, which checks and resizes them; here they can
    only be captioned, reordered or removed."""

    model = Photo
    fields = ["thumbnail", "caption", "position"]
    readonly_fields = ["thumbnail"]

    def has_add_permission(self, request, obj=None):
        return False


class RecognitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Recognition
    fk_name = "sanatorium"
    extra = 0
    fields = ["federation", "status", "valid_from", "valid_until", "reason", "decided_by"]


@admin.register(Sanatorium)
class SanatoriumAdmin(ServiceWritesAdminMixin, FederationScopedAdmin):
    list_display = ["name", "federation", "region", "stars", "beds", "status"]
    list_filter = ["federation", "status", "stars", "themes"]
    search_fields = ["name", "region", "address"]
    list_select_related = ["federation"]
    filter_horizontal = ["themes"]
    inlines = [PhotoInline, RecognitionInline]

    def get_readonly_fields(self, request, obj=None):
        # The owner of a new base is the federation of the member of staff who adds it
        # (services.sanatorium_create); only an administrator names it.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "federation"]

    def save_model(self, request, obj, form, change):
        themes = form.cleaned_data["themes"]
        if change:
            services.sanatorium_update(actor=request.user, sanatorium=obj, themes=themes)
        else:
            services.sanatorium_create(actor=request.user, sanatorium=obj, themes=themes)

    service_writes_m2m = True  # the base's services write its themes

    def save_inline(self, request, parent, row, *, created):
        # Only photos are written here (recognitions are read-only, photos are added on the
        # portal's page): their caption and position, or their removal.
        services.photo_update(actor=request.user, photo=row)

    def delete_inline(self, request, row):
        services.photo_delete(actor=request.user, photo=row)

    def delete_model(self, request, obj):
        services.sanatorium_delete(actor=request.user, sanatorium=obj)


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdminMixin, FederationScopedAdmin):
    """Read-only: recognitions change only through the workflow (propose, decide, revoke)
    on the portal's pages, which checks who may decide."""

    list_display = [
        "sanatorium",
        "federation",
        "status",
        "valid_from",
        "valid_until",
        "proposed_by",
        "decided_by",
    ]
    list_filter = ["status", "federation", "owner_federation"]
    search_fields = ["sanatorium__name"]
    list_select_related = ["sanatorium", "federation", "proposed_by", "decided_by"]


# --- places ----------------------------------------------------------------------------------


@admin.register(Route)
class RouteAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    list_display = ["name", "sanatorium", "days", "price_per_day"]
    list_filter = ["sanatorium__federation"]
    search_fields = ["name", "sanatorium__name"]
    list_select_related = ["sanatorium"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "sanatorium":
            kwargs["queryset"] = Sanatorium.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.route_save(actor=request.user, route=obj)


@admin.register(Batch)
class BatchAdmin(ServiceWritesAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    """Batches are added and changed through the services; status steps and allocations
    are on the portal's batch page."""

    list_display = ["route", "start_date", "end_date", "places", "allocated_places", "status"]
    list_filter = ["status", "eligibility"]
    search_fields = ["route__name", "route__sanatorium__name"]
    list_select_related = ["route__sanatorium"]
    readonly_fields = ["status", "allocated_places"]

    def save_model(self, request, obj, form, change):
        if change:
            services.batch_update(actor=request.user, batch=obj)
        else:
            services.batch_create(actor=request.user, batch=obj)

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyPlacesAdmin(ReadOnlyAdminMixin, FederationScopedAdmin, ScopedHistoryAdmin):
    """Changed only on the portal's pages, whose services hold the batch's lock."""


@admin.register(Allocation)
class AllocationAdmin(_ReadOnlyPlacesAdmin):
    list_display = ["batch", "federation", "places", "booked_places"]
    list_filter = ["federation"]
    list_select_related = ["batch__route", "federation"]


@admin.register(Booking)
class BookingAdmin(_ReadOnlyPlacesAdmin):
    list_display = ["organisation", "batch", "federation", "headcount", "status", "created_at"]
    list_filter = ["status", "federation"]
    search_fields = ["organisation__name", "batch__route__name"]
    list_select_related = ["organisation", "batch__route", "federation"]


@admin.register(Feedback)
class FeedbackAdmin(_ReadOnlyPlacesAdmin):
    list_display = ["participant", "rating", "entered_at"]
    list_select_related = ["participant__member", "participant__booking__organisation"]
