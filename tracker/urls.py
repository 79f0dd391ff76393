"""Root URL configuration."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from tracker import health
from tracker.lib.converters import CodeConverter, MonthConverter
from tracker.org import views as org_views

# <code:…> and <month:…> in every app's paths (see tracker/lib/converters.py).
register_converter(CodeConverter, "code")
register_converter(MonthConverter, "month")

accounts = [
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", org_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("", include("tracker.dashboard.urls")),
    path("", include("tracker.reporting.urls")),
    path("", include("tracker.okrs.urls")),
    path("", include("tracker.meetings.urls")),
]
handler404 = "tracker.dashboard.views.page_not_found"
handler500 = "tracker.health.server_error"
