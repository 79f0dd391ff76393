"""App config for the organisation app."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tracker.org"
    verbose_name = _("Organisation")

    def ready(self):
        from tracker.org import middleware  # noqa: F401  (connects the log-in's receiver)
