"""Admin for zones, districts, bureaus and policy dimensions."""
from django.contrib import admin

from tracker.org.models import Bureau, District, PolicyDimension, Unit, Zone


@admin.register(PolicyDimension)
class PolicyDimensionAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en"]
    search_fields = ["name_th", "name_en"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en"]
    search_fields = ["name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "zone"]
    list_filter = ["zone"]
    search_fields = ["code", "name_th", "name_en"]
    fields = ["code", "name_th", "name_en", "zone"]
    list_select_related = ["zone"]

    def save_model(self, request, obj, form, change):
        obj.kind = District.Kind.DISTRICT
        super().save_model(request, obj, form, change)


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "abbrev_th", "kind", "english_name_verified"]
    list_filter = ["kind", "english_name_verified"]
    search_fields = ["code", "name_th", "name_en", "abbrev_th"]
    fields = ["code", "kind", "name_th", "name_en", "abbrev_th", "english_name_verified"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in db_field.choices if c[0] != Bureau.Kind.DISTRICT]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """All units of either kind: what allocations, results and OKRs point at."""

    list_display = ["code", "name_th", "name_en", "kind", "zone"]
    list_filter = ["kind", "zone"]
    search_fields = ["code", "name_th", "name_en", "abbrev_th"]
    list_select_related = ["zone"]
