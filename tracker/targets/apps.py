"""App config for the targets app."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "tracker.targets"
    verbose_name = _("Targets and results")
