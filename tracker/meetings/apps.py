from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tracker.meetings"
    verbose_name = _("Follow-up meetings")

    def ready(self):
        from django.db.models.signals import post_save

        from tracker.meetings.models import Review
        from tracker.meetings.recording import figures_for_loaded_review

        post_save.connect(figures_for_loaded_review, sender=Review, dispatch_uid="meetings_loaded_review_figures")
