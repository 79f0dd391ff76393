"""Work done once in gunicorn's master process, before it forks its workers (``preload_app``).

Each worker would otherwise, on its first requests, compile every template it renders, read the
translation catalogues and build the URL resolver — some tens of milliseconds each time gunicorn
replaces a worker (``max_requests``), felt by whoever waits behind it. Done in the master, the
forked workers start with all of it in their (shared, copy-on-write) memory. Opens no database or
cache connection: those must never be shared between processes.
"""
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tracker.web.pages import release


def template_names():
    """Every template of the project's templates/ folder (apps keep none of their own)."""
    for folder in settings.TEMPLATES[0]["DIRS"]:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")) + sorted(root.rglob("*.txt")):
            yield path.relative_to(root).as_posix()


def warm_up():
    """Compile the templates, load every language's catalogue, fill the URL resolver; returns
    how many templates were compiled."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Overview of urgent targets")
    reverse("dashboard:overview")  # builds the URL resolver and its reverse lookups
    release()  # the page cache's code fingerprint (reads the code once)
    engine = engines["django"]
    count = 0
    for name in template_names():
        engine.get_template(name)
        count += 1
    return count
