"""URLs of the read-only pages: stable, readable, keyed by codes; public readers get them from the cache."""
from django.urls import path

from tracker.web.pages import cached_page
from tracker.dashboard import views

app_name = "dashboard"

# The query parameters each page reads (``cached_page``): a day and fiscal year, a day to compare
# with, a table's filters, order, page and download format.
AS_OF = ("as_of", "fy", "since")
TABLE = ("sort", "page", "per_page", "_export")

urlpatterns = [
    path("", cached_page(views.overview, reads=(*AS_OF, "status")), name="overview"),
    path("bureaus/<code:code>/", cached_page(views.bureau, reads=AS_OF), name="bureau"),
    path("targets/<code:code>/", cached_page(views.target, reads=(*AS_OF, "zone", "band", *TABLE)), name="target"),
    path("districts/<code:code>/", cached_page(views.district, reads=AS_OF), name="district"),
    path("okrs/", cached_page(views.OkrListView.as_view(), reads=(*AS_OF, "unit", "target", "is_bound", *TABLE)), name="okrs"),
    path("projects/", cached_page(views.ProjectListView.as_view(), reads=(*AS_OF, "unit", "target", "status", *TABLE)), name="projects"),
]
