from django.contrib import admin

from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    PortalModelAdmin,
)
from members.scoping import user_scope
from sanatoriums.models import Photo, Recognition, Sanatorium, Theme


@admin.register(Theme)
class ThemeAdmin(PortalModelAdmin):
    list_display = ["key", "name_zh", "name_en", "icon", "position"]
    list_editable = ["position"]
    search_fields = ["key", "name_zh", "name_en"]


class PhotoInline(FederationScopedInline):
    """Photos are added on the portal's page, which checks and resizes them; here they can
    only be captioned, reordered or removed."""

    model = Photo
    fields = ["thumbnail", "caption", "position"]
    readonly_fields = ["thumbnail"]

    def has_add_permission(self, request, obj=None):
        return False


class RecognitionInline(admin.TabularInline):
    model = Recognition
    fk_name = "sanatorium"
    extra = 0
    fields = ["federation", "status", "valid_from", "valid_until", "reason", "decided_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sanatorium)
class SanatoriumAdmin(FederationScopedAdmin):
    list_display = ["name", "federation", "region", "stars", "beds", "status"]
    list_filter = ["federation", "status", "stars", "themes"]
    search_fields = ["name", "region", "address"]
    list_select_related = ["federation"]
    filter_horizontal = ["themes"]
    inlines = [PhotoInline, RecognitionInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "federation"]

    def save_model(self, request, obj, form, change):
        if not change:
            # A new base belongs to the federation of the member of staff who adds it.
            federation_id = user_scope(request.user).federation_id
            if federation_id is not None:
                obj.federation_id = federation_id
        super().save_model(request, obj, form, change)


@admin.register(Recognition)
class RecognitionAdmin(FederationScopedAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
