"""Admin for zones, districts, bureaus, policy dimensions, and people's roles in units."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.text import capfirst

from tracker.org.models import Bureau, District, Membership, PolicyDimension, Profile, Unit, Zone, history_naming


class KeepsHistoryAdmin(admin.ModelAdmin):
    """The delete page lists the history records that name an object as protected, so the admin
    says it cannot be deleted (a ``pre_delete`` guard refuses it anyway) instead of failing."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected.extend(f"{capfirst(r._meta.verbose_name)}: {r}" for r in history_naming(obj))
        return to_delete, model_count, perms_needed, protected


@admin.register(PolicyDimension)
class PolicyDimensionAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en"]
    search_fields = ["name_th", "name_en"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en"]
    search_fields = ["name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(KeepsHistoryAdmin):
    list_display = ["code", "name_th", "name_en", "zone"]
    list_filter = ["zone"]
    search_fields = ["code", "name_th", "name_en"]
    fields = ["code", "name_th", "name_en", "zone"]
    list_select_related = ["zone"]

    def save_model(self, request, obj, form, change):
        obj.kind = District.Kind.DISTRICT
        super().save_model(request, obj, form, change)


@admin.register(Bureau)
class BureauAdmin(KeepsHistoryAdmin):
    list_display = ["code", "name_th", "name_en", "abbrev_th", "kind", "english_name_verified"]
    list_filter = ["kind", "english_name_verified"]
    search_fields = ["code", "name_th", "name_en", "abbrev_th"]
    fields = ["code", "kind", "name_th", "name_en", "abbrev_th", "english_name_verified"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in db_field.choices if c[0] != Bureau.Kind.DISTRICT]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(KeepsHistoryAdmin):
    """All units of either kind: what allocations, results and OKRs point at."""

    list_display = ["code", "name_th", "name_en", "kind", "zone"]
    list_filter = ["kind", "zone"]
    search_fields = ["code", "name_th", "name_en", "abbrev_th"]
    list_select_related = ["zone"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__code", "unit__name_th", "unit__name_en"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's user admin, with the person's roles in units and their language."""

    inlines = [ProfileInline, MembershipInline]
