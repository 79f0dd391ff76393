"""Admin for the reminders sent (read-only: a record of what was sent is not edited)."""
from django.contrib import admin

from tracker.reporting.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["unit", "month", "sent_at", "sent_by"]
    list_filter = ["month"]
    search_fields = ["unit__code", "unit__name_th", "recipients"]
    list_select_related = ["unit", "sent_by"]
    readonly_fields = ["unit", "month", "sent_at", "sent_by", "recipients", "missing"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
