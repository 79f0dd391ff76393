"""Admin for policies, targets, allocations and monthly results (with their history)."""
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.lib import fiscal
from tracker.org.admin import KeepsHistoryAdmin
from tracker.org.permissions import permissions_for
from tracker.targets import recording
from tracker.targets.models import Allocation, ClosedMonth, HeldFrom, Policy, Result, ResultRevision, Target


@admin.register(HeldFrom)
class HeldFromAdmin(admin.ModelAdmin):
    """Read-only: a fixture says it, and its rows' history was dated by it when they were loaded."""

    list_display = ["fixture", "day"]
    search_fields = ["fixture"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "dimension"]
    list_filter = ["dimension"]
    search_fields = ["code", "name_th", "name_en"]


class AllocationInline(admin.TabularInline):
    """Read-only here: allocations change through the allocations grid or their own admin page,
    both of which go through ``record_allocations`` and keep the history."""

    model = Allocation
    extra = 0
    fields = readonly_fields = ["unit", "value"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(KeepsHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name_th", "host", "unit_of_measure", "measure", "target_value", "fiscal_year", "deadline"]
    list_filter = ["host", "measure", "unit_of_measure", "fiscal_year", "districts_carry"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["host"]
    autocomplete_fields = ["host", "parent", "policy"]
    inlines = [AllocationInline]

    def save_model(self, request, obj, form, change):
        # Through the recording function: a target loaded from a fixture keeps its old values first.
        recording.record_target(obj, request.user)


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    """Allocations written here go through ``record_allocations``, like the allocations grid."""

    list_display = ["target", "unit", "value"]
    list_filter = ["target__host", "target__fiscal_year"]
    search_fields = ["target__code", "unit__code", "unit__name_th", "unit__name_en"]
    list_select_related = ["target", "unit"]
    autocomplete_fields = ["target", "unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["target", "unit"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        recording.record_allocations(obj.target, {obj.unit: obj.value}, request.user)
        obj.pk = Allocation.objects.get(target=obj.target, unit=obj.unit).pk

    def delete_model(self, request, obj):
        recording.record_allocations(obj.target, {obj.unit: None}, request.user)

    def delete_queryset(self, request, queryset):
        for allocation in queryset.select_related("target", "unit"):
            self.delete_model(request, allocation)


class RevisionInline(admin.TabularInline):
    model = ResultRevision
    extra = 0
    can_delete = False
    readonly_fields = ["value", "note", "state", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _checked_by_recording(form):
    """The admin's form asks the recording's state machine before saving, so that a change it refuses
    is an error on the form (``save_model`` checks again under the row's lock)."""
    data = super(type(form), form).clean()
    held = form.instance
    target = data.get("target") or (held.target if held.target_id else None)
    unit = data.get("unit") or (held.unit if held.unit_id else None)
    period = data.get("period") or held.period
    value, note, state = data.get("value"), data.get("note", ""), data.get("state")
    if target and unit and period and value is not None and state:
        current = Result.objects.filter(target=target, unit=unit, period=fiscal.month_start(period)).first()
        if state == Result.State.RETURNED and not recording.leaves_alone(current, value, note, state):
            raise ValidationError({"state": _("Return a result on its verification page, which asks for the reason.")})
        if not recording.leaves_alone(current, value, note, state):
            error = recording.change_error(
                current, target=target, unit=unit, value=value, note=note, state=state, by=form.user,
                permissions=permissions_for(form.user),
            )
            if error:
                raise ValidationError({"state": error})
    return data


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    """Results written here go through the recording function, like every other write."""

    list_display = ["target", "unit", "period", "value", "state", "entered_by", "entered_at", "verified_by"]
    list_filter = ["state", "target__host", "target__fiscal_year", "period"]
    search_fields = ["target__code", "unit__code", "unit__name_th", "unit__name_en", "note"]
    list_select_related = ["target", "unit", "entered_by", "verified_by"]
    autocomplete_fields = ["target", "unit"]
    date_hierarchy = "period"
    fields = ["target", "unit", "period", "value", "note", "state", "entered_by", "entered_at", "updated_at", "verified_by", "verified_at"]
    readonly_fields = ["entered_by", "entered_at", "updated_at", "verified_by", "verified_at"]
    inlines = [RevisionInline]

    def get_readonly_fields(self, request, obj=None):
        # A result is one unit's month of one target: correct its value, not what it is a result of.
        if obj is not None:
            return ["target", "unit", "period", *self.readonly_fields]
        return self.readonly_fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "state":
            kwargs["choices"] = [c for c in Result.State.choices if c[0] != Result.State.DELETED]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "clean": _checked_by_recording})

    def save_model(self, request, obj, form, change):
        saved = recording.record_result(
            target=obj.target, unit=obj.unit, period=obj.period, value=obj.value, note=obj.note, state=obj.state,
            by=request.user,
        )
        obj.pk = saved.pk

    def get_deleted_objects(self, objs, request):
        # Deleting here keeps the result and its revisions (state "deleted", see ``delete_model``):
        # only the results are listed, and the revisions that refuse a real deletion do not stop it.
        objs = list(objs)
        return [str(obj) for obj in objs], {Result._meta.verbose_name_plural: len(objs)}, set(), []

    def has_delete_permission(self, request, obj=None):
        # A verified result is the host's: it is returned, not deleted (``delete_result`` refuses it).
        return super().has_delete_permission(request, obj) and (obj is None or obj.state != Result.State.VERIFIED)

    def delete_model(self, request, obj):
        recording.delete_result(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for result in queryset.exclude(state=Result.State.VERIFIED):
            recording.delete_result(result, by=request.user)


@admin.register(ClosedMonth)
class ClosedMonthAdmin(SimpleHistoryAdmin):
    list_display = ["period", "closed_by", "closed_at"]
    search_fields = ["period"]
    list_filter = ["closed_at"]
    readonly_fields = ["closed_by", "closed_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions_for(request.user).may_close_months()

    def has_change_permission(self, request, obj=None):
        return False  # a month is closed or open: closed again it would be a new row

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions_for(request.user).may_close_months()

    def save_model(self, request, obj, form, change):
        obj.pk = recording.close_month(obj.period, by=request.user).pk

    def delete_model(self, request, obj):
        recording.reopen_month(obj.period, by=request.user)

    def delete_queryset(self, request, queryset):
        for closed in queryset:
            recording.reopen_month(closed.period, by=request.user)
