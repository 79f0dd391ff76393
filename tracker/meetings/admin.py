"""Meetings in the admin, to read: they are written through the meeting pages (tracker.meetings.recording)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.meetings.models import Action, Meeting, Review


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["date", "host", "number", "chair_th"]
    list_filter = ["host"]
    list_select_related = ["host"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "target"]
    list_select_related = ["meeting__host", "target"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "responsible", "due_on", "state"]
    list_filter = ["state"]
    list_select_related = ["meeting__host", "responsible"]
