"""Log-in and the language switch, remembering the language each person chooses.

The language chosen with the switch while logged in is kept in the person's ``Profile``: it is
set again at their next log-in (on another browser too) and is the language of the emails they
are sent (reminders).
"""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.middleware.csrf import CsrfViewMiddleware
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt

from tracker.org.models import Profile


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
