"""Admin for OKRs and projects, with their history; changes go through ``tracker.okrs.recording``
so that a row loaded from a fixture keeps its state as loaded before the admin's first change."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project


@admin.register(Okr)
class OkrAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_th", "unit", "target", "fiscal_year"]
    list_filter = ["fiscal_year", "unit"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["unit", "target"]
    autocomplete_fields = ["unit", "target"]

    def save_model(self, request, obj, form, change):
        record_okr(obj, request.user)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_th", "unit", "status", "progress", "last_reported_on"]
    list_filter = ["status", "unit"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "okrs"]

    def save_model(self, request, obj, form, change):
        record_project(obj, form.cleaned_data["okrs"], request.user)

    def save_related(self, request, form, formsets, change):
        # record_project has bound the OKRs and written the history record with them.
        form.instance.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del form.instance.skip_history_when_saving
