"""What a log-in means for every response: the optional log-in for the dashboards
(``DASHBOARD_REQUIRES_LOGIN=1``; staff pages always need one), and a signed-in person's session —
private responses, and an end after ``SESSION_IDLE_MINUTES`` without a request."""
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils import timezone

# A session's end moves with each request, but at most once a minute: not a database write each time.
TOUCH_SECONDS = 60

# Reachable without a log-in even when the dashboards need one.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/admin/", "/favicon", "/healthz")


def dashboard_login_middleware(get_response):
    def middleware(request):
        if (
            settings.DASHBOARD_REQUIRES_LOGIN
            and not request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def signed_in_middleware(get_response):
    """A signed-in person's responses are theirs alone — ``Cache-Control: private, no-store``, so
    that no browser cache, shared computer or proxy keeps a staff page or export — and their session
    lasts ``SESSION_COOKIE_AGE`` (``SESSION_IDLE_MINUTES``) from their latest request: it ends when
    they are idle that long. Placed after the session and authentication middleware."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            now = int(timezone.now().timestamp())
            if now - request.session.get("seen", 0) >= TOUCH_SECONDS:
                seen(request, now)
        return response

    return middleware


def seen(request, now=None):
    """Note the person's latest request in the session, which the session middleware then saves
    with a new end."""
    request.session["seen"] = now if now is not None else int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="tracker-session-seen")
def seen_at_log_in(sender, request, user, **kwargs):
    # Saved with the log-in's own session: the first page after it writes nothing more.
    if request is not None and hasattr(request, "session"):
        seen(request)
