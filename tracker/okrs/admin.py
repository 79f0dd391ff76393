"""Admin for OKRs and projects."""
from django.contrib import admin

from tracker.okrs.models import Okr, Project


@admin.register(Okr)
class OkrAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "unit", "target", "fiscal_year"]
    list_filter = ["fiscal_year", "unit"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["unit", "target"]
    autocomplete_fields = ["unit", "target"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "unit", "status", "last_reported_on"]
    list_filter = ["status", "unit"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "okrs"]
