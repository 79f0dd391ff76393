"""Optional log-in for the dashboards (``DASHBOARD_REQUIRES_LOGIN=1``); staff pages always need one."""
from django.conf import settings
from django.contrib.auth.views import redirect_to_login

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
