"""App config for the OKRs app."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OkrsConfig(AppConfig):
    name = "tracker.okrs"
    verbose_name = _("OKRs and projects")
