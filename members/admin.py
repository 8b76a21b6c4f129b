import axes.admin
import axes.models
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import services
from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    PortalAdminMixin,
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    ServiceWritesAdminMixin,
)
from members.history import MASKERS
from members.models import (
    Federation,
    Honour,
    Member,
    Notification,
    Organisation,
    StaffProfile,
    User,
)
from members.scoping import can_see_personal_data


def masked_list_display(request, names):
    """`names` (a list_display) with each personal-data column of a member — `id_number`,
    `mobile`, or a lookup ending in one such as `member__id_number` — replaced by a column
    that shows the value in full only to who may see the member's personal data
    (can_see_personal_data) and masked (MASKERS) to everyone else. Call it from
    get_list_display: the columns are built per request (the admin instance is shared)."""

    def masked(name):
        *path, field = name.split("__")

        @admin.display(description=Member._meta.get_field(field).verbose_name)
        def show(obj):
            member = obj
            for step in path:
                member = getattr(member, step)
            value = getattr(member, field)
            if can_see_personal_data(request.user, member.federation_id):
                return value
            return MASKERS[field](value)

        return show

    return [
        masked(name) if isinstance(name, str) and name.split("__")[-1] in MASKERS else name
        for name in names
    ]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(ServiceWritesAdminMixin, PortalAdminMixin, BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),
    )
    list_display = ["username", "name", "email", "is_staff", "is_active"]
    search_fields = ["username", "name", "email"]
    ordering = ["username"]
    inlines = [StaffProfileInline]

    # Only a superuser makes a superuser or gives a user permissions of their own: an
    # administrator gives roles (the staff profile), whose permissions are fixed in code.
    SUPERUSER_ONLY_FIELDS = ["is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.SUPERUSER_ONLY_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        # A superuser's account (its password, say) is changed only by a superuser.
        return super().has_change_permission(request, obj) and (
            obj is None or services.may_change_account(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or services.may_change_account(request.user, obj)
        )

    def save_model(self, request, obj, form, change):
        services.user_save(actor=request.user, user=obj)

    def delete_model(self, request, obj):
        services.user_delete(actor=request.user, user=obj)

    def save_inline(self, request, parent, row, *, created):
        # The only inline is the staff profile, which is never deleted here (can_delete).
        services.staff_profile_save(actor=request.user, profile=row)


@admin.register(StaffProfile)
class StaffProfileAdmin(ServiceWritesAdminMixin, PortalAdminMixin, ScopedHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__federation"]
    search_fields = ["user__username", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def save_model(self, request, obj, form, change):
        services.staff_profile_save(actor=request.user, profile=obj)

    def delete_model(self, request, obj):
        services.staff_profile_delete(actor=request.user, profile=obj)


@admin.register(Federation)
class FederationAdmin(ServiceWritesAdminMixin, PortalModelAdmin):
    list_display = ["code", "name", "city", "short_name"]
    search_fields = ["code", "name", "city"]

    def get_queryset(self, request):
        # Federations are managed by superusers; others see their own and its partners.
        return super().get_queryset(request).for_user(request.user)

    def save_model(self, request, obj, form, change):
        services.federation_save(actor=request.user, federation=obj)

    def delete_model(self, request, obj):
        services.federation_delete(actor=request.user, federation=obj)


@admin.register(Organisation)
class OrganisationAdmin(ServiceWritesAdminMixin, FederationScopedAdmin):
    list_display = ["name", "kind", "federation", "parent"]
    list_filter = ["federation", "kind"]
    search_fields = ["name"]
    list_select_related = ["federation", "parent"]

    def save_model(self, request, obj, form, change):
        services.organisation_save(actor=request.user, organisation=obj)

    def delete_model(self, request, obj):
        services.organisation_delete(actor=request.user, organisation=obj)


class HonourInline(FederationScopedInline):
    model = Honour


@admin.register(Member)
class MemberAdmin(ServiceWritesAdminMixin, FederationScopedAdmin):
    """Personal data is masked for anyone outside the member's own federation: in the list,
    and on the (read-only) page a partner sees. The history of values is kept out of the
    admin for the same reason; staff read it, masked as needed, on the member's page."""

    list_display = [
        "card_number",
        "name",
        "federation",
        "organisation",
        "id_number",
        "mobile",
        "employment_form",
    ]
    list_filter = ["federation", "employment_form", "gender"]
    search_fields = ["name", "card_number"]
    list_select_related = ["federation", "organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [HonourInline]
    list_per_page = 50

    def get_list_display(self, request):
        return masked_list_display(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not can_see_personal_data(request.user, obj.federation_id):
            fields = [f for f in fields if f not in Member.PERSONAL_FIELDS]
            fields += ["masked_id_number", "masked_mobile"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_see_personal_data(request.user, obj.federation_id):
            readonly += ["masked_id_number", "masked_mobile"]
        return readonly

    def save_model(self, request, obj, form, change):
        if change:
            services.member_update(actor=request.user, member=obj)
        else:
            services.member_create(actor=request.user, member=obj)

    def delete_model(self, request, obj):
        services.member_delete(actor=request.user, member=obj)

    def save_inline(self, request, parent, row, *, created):
        services.honour_save(actor=request.user, honour=row)  # the only inline: honours

    def delete_inline(self, request, row):
        services.honour_delete(actor=request.user, honour=row)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile


@admin.register(Honour)
class HonourAdmin(ServiceWritesAdminMixin, FederationScopedAdmin):
    list_display = ["member", "kind", "level", "year"]
    list_filter = ["kind", "level", "member__federation"]
    search_fields = ["member__name", "member__card_number"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]

    def save_model(self, request, obj, form, change):
        services.honour_save(actor=request.user, honour=obj)

    def delete_model(self, request, obj):
        services.honour_delete(actor=request.user, honour=obj)


# django-axes names two columns of its lockout list only by their method names ("Status",
# "Expiration"), which no catalogue can translate, and builds its status by gluing a number
# to "Attempt Remaining": the same admin, with labels and counts in the active language.
class AccessAttemptAdmin(axes.admin.AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj):
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return _("Locked Out")
        return ngettext("%(count)s attempt left", "%(count)s attempts left", left) % {"count": left}

    @admin.display(description=_("Expires At"))
    def expiration(self, obj):
        return super().expiration(obj)


admin.site.unregister(axes.models.AccessAttempt)
admin.site.register(axes.models.AccessAttempt, AccessAttemptAdmin)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    """Inbox rows are written by members.notifications and read on /inbox/: administrators
    may look at them here (no role holds a permission on them)."""

    list_display = ["subject", "recipient", "event_key", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["subject", "event_key"]
    list_select_related = ["recipient"]
