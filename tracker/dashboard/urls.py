"""URLs of the read-only pages: stable, readable, keyed by codes."""
from django.urls import path, register_converter

from tracker.dashboard import views
from tracker.lib.converters import CodeConverter

register_converter(CodeConverter, "code")

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("bureaus/<code:code>/", views.bureau, name="bureau"),
    path("targets/<code:code>/", views.target, name="target"),
    path("districts/<code:code>/", views.district, name="district"),
    path("okrs/", views.OkrListView.as_view(), name="okrs"),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
]
