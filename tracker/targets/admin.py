"""Admin for policies, targets, allocations and monthly results (with their history)."""
from django.contrib import admin

from tracker.targets.models import Allocation, Policy, Result, ResultRevision, Target


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "dimension"]
    list_filter = ["dimension"]
    search_fields = ["code", "name_th", "name_en"]


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "host", "unit", "measure", "target_value", "fiscal_year", "deadline"]
    list_filter = ["host", "measure", "unit", "fiscal_year", "districts_carry"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["host"]
    autocomplete_fields = ["host", "parent", "policy"]
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["target", "unit", "value"]
    list_filter = ["target__host", "target__fiscal_year"]
    search_fields = ["target__code", "unit__code", "unit__name_th", "unit__name_en"]
    list_select_related = ["target", "unit"]
    autocomplete_fields = ["target", "unit"]


class RevisionInline(admin.TabularInline):
    model = ResultRevision
    extra = 0
    can_delete = False
    readonly_fields = ["value", "note", "state", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["target", "unit", "period", "value", "state", "entered_by", "entered_at"]
    list_filter = ["state", "target__host", "target__fiscal_year", "period"]
    search_fields = ["target__code", "unit__code", "unit__name_th", "unit__name_en", "note"]
    list_select_related = ["target", "unit", "entered_by"]
    autocomplete_fields = ["target", "unit"]
    date_hierarchy = "period"
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
