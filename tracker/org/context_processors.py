"""Template context for every page: what the signed-in person may do (for the header's links)."""
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from tracker.org.permissions import permissions_for


def staff(request):
    return {
        # Read only when a template asks: the public pages of anonymous readers cost no query.
        "staff": SimpleLazyObject(lambda: permissions_for(request.user)),
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
