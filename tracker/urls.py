"""Root URL configuration."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tracker.dashboard.urls")),
]
handler404 = "tracker.dashboard.views.page_not_found"
