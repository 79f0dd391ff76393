"""URLs of the read-only pages: stable, readable, keyed by codes; public readers get them from the cache."""
from django.urls import path

from tracker.caching.pages import cached_page
from tracker.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", cached_page(views.overview), name="overview"),
    path("bureaus/<code:code>/", cached_page(views.bureau), name="bureau"),
    path("targets/<code:code>/", cached_page(views.target), name="target"),
    path("districts/<code:code>/", cached_page(views.district), name="district"),
    path("okrs/", cached_page(views.OkrListView.as_view()), name="okrs"),
    path("projects/", cached_page(views.ProjectListView.as_view()), name="projects"),
]
