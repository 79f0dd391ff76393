"""Meetings in the admin, to read: they are written through the meeting pages (tracker.meetings.recording)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.meetings.models import Action, Meeting, Review, Step


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
    search_fields = ["host__code", "host__name_th", "chair_th", "chair_en", "number"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "target"]
    list_select_related = ["meeting__host", "target"]
    list_filter = ["meeting__host"]
    search_fields = ["target__code", "target__name_th", "problems", "approaches"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "responsible", "due_on", "state"]
    list_filter = ["state"]
    list_select_related = ["meeting__host", "responsible"]
    search_fields = ["description", "responsible__code", "responsible__name_th"]


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["review", "description", "starts_on", "due_on"]
    list_select_related = ["review__meeting__host", "review__target"]
    list_filter = ["review__meeting__host"]
    search_fields = ["description"]
