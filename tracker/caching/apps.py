from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    name = "tracker.caching"
    verbose_name = _("Caching")

    def ready(self):
        from tracker.caching import versions

        versions.connect()
