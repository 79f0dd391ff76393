"""Log-in and the language switch, remembering the language each person chooses.

The language chosen with the switch while logged in is kept in the person's ``Profile``: it is
set again at their next log-in (on another browser too) and is the language of the emails they
are sent (reminders). The log-in keeps a budget of failures per address (``LOGIN_FAILURES_PER_ADDRESS``
in a window of ``LOGIN_FAILURES_WINDOW_MINUTES``): past it, that address is asked to wait.
"""
import logging
import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from tracker.lib.addresses import client_address
from tracker.org.models import Profile

logger = logging.getLogger(__name__)


@csrf_exempt
def set_language(request):
    """Django's ``set_language``, remembering the choice of a logged-in person.

    Public pages carry no CSRF token (they set no cookie, so that they can be cached and shared):
    an anonymous reader's switch is accepted without one — it changes nothing but a language
    cookie. A logged-in person's switch, which changes their profile, is checked as usual.
    """
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        Profile.choose(request.user, language)
    return response


class LoginView(auth_views.LoginView):
    """Django's log-in, which then shows the site in the language the person chose last."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        usage = failures_from(request, count_one=False)
        if usage and usage["count"] >= usage["limit"]:
            logger.warning("Log-in refused: %s failed log-ins from %s", usage["count"], client_address(request))
            seconds = max(usage["time_left"], 1)
            response = render(request, "registration/too_many_attempts.html",
                              {"minutes": math.ceil(seconds / 60)}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        failures_from(self.request, count_one=True)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        language = Profile.objects.filter(user=form.get_user()).values_list("language", flat=True).first()
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def failures_from(request, count_one):
    """This address's failed log-ins in the current window (``count_one``: and one more), as
    django-ratelimit counts them in the cache; None when the cache cannot say (logged): an outage of
    the cache must not stop anyone from logging in, and each account's lock-out still holds."""
    try:
        return get_usage(
            request, group="login-failures", key=lambda group, request: client_address(request),
            rate=f"{settings.LOGIN_FAILURES_PER_ADDRESS}/{settings.LOGIN_FAILURES_WINDOW_MINUTES}m",
            increment=count_one,
        )
    except Exception:
        logger.warning("Log-in failures per address not counted: the cache failed", exc_info=True)
        return None
