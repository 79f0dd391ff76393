"""URLs of the read-only pages: stable, readable, keyed by codes."""
from django.urls import path

from tracker.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("bureaus/<code:code>/", views.bureau, name="bureau"),
    path("targets/<code:code>/", views.target, name="target"),
    path("districts/<code:code>/", views.district, name="district"),
    path("okrs/", views.OkrListView.as_view(), name="okrs"),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
]
