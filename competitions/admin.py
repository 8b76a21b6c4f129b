"""The competitions in the Django admin, scoped like the pages.

Competitions, events and their scoring parts are managed here by host staff, every write
through the services. Entries are made and withdrawn on the portal's pages (the service
checks cap, deadline and eligibility), scores by judges on their judging pages and titles
only by publishing: here they are read-only.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from competitions import services
from competitions.models import (
    Competition,
    Entry,
    Event,
    Score,
    ScoringPart,
    Title,
    judge_candidates,
)
from members.admin import masked_list_display
from members.admin_scoping import (
    FederationScopedAdmin,
    FederationScopedInline,
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    ServiceWritesAdminMixin,
)
from members.models import Federation, Organisation


class LockedAfterPublishingMixin:
    """Nothing of a published competition changes: its results and titles rest on it (the
    services refuse it too)."""

    def _published(self, obj):
        if obj is None:
            return False
        competition = obj if isinstance(obj, Competition) else obj.competition
        return competition.is_published

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._published(obj)


class EventInline(FederationScopedInline):
    model = Event
    fields = ["name", "cap_per_federation"]
    show_change_link = True


@admin.register(Competition)
class CompetitionAdmin(
    ServiceWritesAdminMixin, LockedAfterPublishingMixin, FederationScopedAdmin, ScopedHistoryAdmin
):
    list_display = ["title", "year", "status", "starts_on", "registration_deadline"]
    list_filter = ["status", "year", "hosts"]
    search_fields = ["title", "venue"]
    readonly_fields = ["status", "published_at"]
    filter_horizontal = ["hosts"]
    inlines = [EventInline]

    def save_model(self, request, obj, form, change):
        services.competition_save(
            actor=request.user, competition=obj, hosts=form.cleaned_data["hosts"]
        )

    service_writes_m2m = True  # competition_save writes the hosts

    def save_inline(self, request, parent, row, *, created):
        services.event_save(actor=request.user, event=row)

    def delete_inline(self, request, row):
        services.event_delete(actor=request.user, event=row)

    def delete_model(self, request, obj):
        services.competition_delete(actor=request.user, competition=obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "hosts":
            # A joint competition names the partner as a co-host: any readable federation.
            kwargs["queryset"] = Federation.objects.for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        actor = request.user

        class CompetitionForm(form):
            def clean(self):
                # The service's rule, asked here so that its message shows on the hosts field.
                cleaned = super().clean()
                if cleaned.get("hosts") is not None:
                    try:
                        services.validate_hosts(actor=actor, hosts=cleaned["hosts"])
                    except ValidationError as error:
                        self.add_error(None, error)
                return cleaned

        return CompetitionForm


class ScoringPartInline(FederationScopedInline):
    model = ScoringPart
    fields = ["name", "weight", "pass_mark", "position"]


@admin.register(Event)
class EventAdmin(
    ServiceWritesAdminMixin, LockedAfterPublishingMixin, FederationScopedAdmin, ScopedHistoryAdmin
):
    list_display = ["name", "competition", "cap_per_federation", "title_kind"]
    list_filter = ["competition"]
    search_fields = ["name", "competition__title"]
    list_select_related = ["competition"]
    filter_horizontal = ["judges"]
    inlines = [ScoringPartInline]

    def save_model(self, request, obj, form, change):
        services.event_save(actor=request.user, event=obj, judges=form.cleaned_data["judges"])

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "judges":
            # Only users with the judge role, of a readable federation: staff and approvers
            # see who each entrant number is, so they never judge (the model refuses too).
            kwargs["queryset"] = (
                judge_candidates()
                .filter(staff_profile__organisation__in=Organisation.objects.for_user(request.user))
                .order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    service_writes_m2m = True  # event_save writes the judges

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problem = form.instance.weights_problem()
        if problem:
            self.message_user(request, problem, level="warning")

    def save_inline(self, request, parent, row, *, created):
        services.scoring_part_save(actor=request.user, part=row)

    def delete_inline(self, request, row):
        services.scoring_part_delete(actor=request.user, part=row)

    def delete_model(self, request, obj):
        services.event_delete(actor=request.user, event=obj)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdminMixin, FederationScopedAdmin):
    list_display = [
        "__str__",
        "member",
        "federation",
        "member__id_number",
        "status",
        "total",
        "rank",
    ]
    list_filter = ["status", "federation", "event__competition"]
    search_fields = ["member__name", "member__card_number"]
    list_select_related = ["event__competition", "member", "federation"]
    list_per_page = 50

    def get_list_display(self, request):
        # The member admin's masking: in full only within the member's own federation.
        return masked_list_display(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return ["event", "member", "number", "years_in_job", "status", "total", "rank", "award"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, FederationScopedAdmin):
    list_display = ["entry", "part", "judge", "value", "updated_at"]
    list_filter = ["entry__event__competition"]
    list_select_related = ["entry__event__competition", "part", "judge"]


@admin.register(Title)
class TitleAdmin(ReadOnlyAdminMixin, FederationScopedAdmin):
    list_display = ["member", "kind", "federation", "granted_on"]
    list_filter = ["kind", "federation"]
    search_fields = ["member__name"]
    list_select_related = ["member", "federation", "entry__event__competition"]
