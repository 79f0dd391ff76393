"""Root URL configuration."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from tracker.lib.converters import CodeConverter, MonthConverter

# <code:…> and <month:…> in every app's paths (see tracker/lib/converters.py).
register_converter(CodeConverter, "code")
register_converter(MonthConverter, "month")

accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("", include("tracker.dashboard.urls")),
    path("", include("tracker.reporting.urls")),
    path("", include("tracker.okrs.urls")),
]
handler404 = "tracker.dashboard.views.page_not_found"
