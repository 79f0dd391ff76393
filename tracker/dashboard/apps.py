"""App config for the dashboard app (owns no models)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tracker.dashboard"
    verbose_name = _("Dashboard")
