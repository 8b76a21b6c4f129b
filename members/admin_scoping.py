"""Admin classes that obey the same scoping as the portal's pages.

Lists show what `for_user` returns; change, delete and every action are allowed only on
what `editable_by` returns; foreign-key choices offer only the user's own federation's rows.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.exceptions import NotRegistered
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Federation
from members.scoping import FederationScopedQuerySet, user_scope


def _editable(model, request, obj):
    return model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()


class FederationScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and user_scope(request.user).can_edit

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _editable(self.model, request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or _editable(self.model, request, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if db_field.related_model is not Federation and isinstance(
            manager.all(), FederationScopedQuerySet
        ):
            kwargs.setdefault("queryset", manager.editable_by(request.user))
        elif db_field.name == self.model._default_manager.all().federation_field:
            # The owning federation itself (an organisation's, say): offering every federation
            # would let staff create a record in another federation, or move their own
            # organisation, with its members, to the partner. Other links to a federation
            # (the partner a proposal is addressed to) keep their full choice.
            kwargs.setdefault("queryset", Federation.objects.editable_by(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The autocomplete widget of a foreign key searches here, starting from the readable
        # rows (partners' too); the scoped form behind it accepts only editable ones
        # (formfield_for_foreignkey), so offer only those rather than the partner's.
        if _autocomplete_for_scoped_form(self.admin_site, request):
            queryset = queryset.editable_by(request.user)
        return queryset, may_have_duplicates

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                scoped_delete_selected,
                "delete_selected",
                delete_selected.short_description,
            )
        return actions


def _autocomplete_for_scoped_form(admin_site, request):
    """Whether the request is the admin's autocomplete for a field of a scoped admin's form
    (the parameters are those AutocompleteJsonView reads)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return False
    try:
        source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        source_admin = admin_site.get_model_admin(source_model)
    except (KeyError, LookupError, NotRegistered):
        return False
    return isinstance(source_admin, FederationScopedAdmin)


@admin.action(
    permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
)
def scoped_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, refused when the selection holds another federation's rows."""
    editable = queryset.editable_by(request.user)
    if editable.count() != queryset.count():
        modeladmin.message_user(
            request,
            _("You can only delete records of your own federation; nothing was deleted."),
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


class FederationScopedInline(admin.TabularInline):
    """An inline whose rows belong to the parent: editable exactly when the parent is."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or _editable(self.parent_model, request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or _editable(self.parent_model, request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or _editable(self.parent_model, request, obj)
        )
