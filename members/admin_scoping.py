"""Admin classes that obey the same scoping as the portal's pages.

Lists show what `for_user` returns; change, delete and every action are allowed only on
what `editable_by` returns; foreign-key choices offer only the user's own federation's rows.

Every admin of the portal derives from `PortalAdminMixin` (a test walks the registry), which
closes what the changelist would otherwise give away beside the rows themselves: filter
sidebars offer only related objects of the visible rows, and no URL lookup may reach a
personal-data field (a lookup on a masked number is an oracle that spells it out). Admins
that keep history derive from `ScopedHistoryAdmin`: its pages are scoped like the change
page, and old versions are shown, never written back.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from members.models import Federation
from members.scoping import FederationScopedQuerySet, user_scope


def reaches_personal_data(model, lookup: str) -> bool:
    """Whether a changelist lookup (`member__id_number__startswith`, `mobile`, …) ends on a
    field that a model lists in its PERSONAL_FIELDS."""
    for part in lookup.split(LOOKUP_SEP):
        if part in getattr(model, "PERSONAL_FIELDS", ()):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup (startswith, regex, gte …): the path ended
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class PortalAdminMixin:
    """What every admin of the portal has, scoped or not."""

    def lookup_allowed(self, lookup, value, request):
        # Only administrators see every number in full; anyone else's changelist holds masked
        # rows (a partner's), so filtering on the number would confirm guesses one by one.
        if reaches_personal_data(self.model, lookup) and not request.user.is_superuser:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_filter(self, request):
        # Django's related-field filter offers every row of the related table (a third city's
        # draft competition by title); offer only those that the visible rows point to.
        return [
            (item, admin.RelatedOnlyFieldListFilter)
            if isinstance(item, str) and _is_relation_path(self.model, item)
            else item
            for item in super().get_list_filter(request)
        ]


def _is_relation_path(model, path: str) -> bool:
    field = None
    for part in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field is not None and field.is_relation


def _may(request, action, model, obj):
    """The one answer (members.access) for an object of the admin: has_perm(perm, obj)."""
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}", obj)


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    """A plain admin of the portal (reference data)."""


class FederationScopedAdmin(PortalAdminMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and user_scope(request.user).can_edit

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _may(request, "change", self.model, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or _may(request, "delete", self.model, obj))

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
            obj is None or _may(request, "change", self.parent_model, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or _may(request, "change", self.parent_model, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or _may(request, "change", self.parent_model, obj)
        )


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages, scoped like the change page they belong to.

    The history list and each version page answer 404 for an object outside
    `get_queryset` (the library falls back to the latest historical row, showing a record
    the viewer may not read). A version page is a read-only view of the past: the library
    saves its form on POST without asking whether the user may change the object, and the
    portal has no use for reverting, so every POST is refused.
    """

    def _object_in_scope(self, request, object_id):
        try:
            return self.get_queryset(request).get(pk=unquote(object_id))
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        obj = self._object_in_scope(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._object_in_scope(request, object_id)
        if request.method != "GET" or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        request._history_version_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if getattr(request, "_history_version_read_only", False):
            # Every field of the version page is shown as text, as Django does for a user
            # without the change permission. get_fieldsets asks get_readonly_fields again:
            # answer that inner call with the admin's own list.
            request._history_version_read_only = False
            try:
                readonly = flatten_fieldsets(self.get_fieldsets(request, obj))
            finally:
                request._history_version_read_only = True
        return readonly

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Records that change only through their workflow on the portal's pages: the admin
    shows them and never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceWritesAdminMixin:
    """An admin that writes through its app's services (members.services explains why).

    The admin says which: `save_model` and `delete_model` call the record's services, and
    `save_inline(request, parent, row, created)` / `delete_inline(request, row)` those of
    its inline rows. When the record's service writes the many-to-many fields too
    (`service_writes_m2m`), the form's own m2m save is skipped. A bulk deletion deletes each
    object through `delete_model`, all or none.
    """

    service_writes_m2m = False

    def save_related(self, request, form, formsets, change):
        if not self.service_writes_m2m:
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)  # builds the rows; the services write them
        for row in formset.deleted_objects:
            self.delete_inline(request, row)
        created = {id(row) for row in formset.new_objects}
        for row in rows:
            self.save_inline(request, form.instance, row, created=id(row) in created)

    def save_inline(self, request, parent, row, *, created):
        raise NotImplementedError(f"{type(self).__name__} has inline rows: name their service")

    def delete_inline(self, request, row):
        raise NotImplementedError(f"{type(self).__name__} has inline rows: name their service")

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
