"""App config for monthly reporting (entry forms, verification, allocations)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tracker.reporting"
    verbose_name = _("Monthly reporting")
