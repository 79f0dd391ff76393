from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    name = "tracker.web"
    label = "caching"  # the app's name when it held only the page cache: its table and migrations keep it
    verbose_name = _("Caching")

    def ready(self):
        from tracker.web import versions

        versions.connect()
