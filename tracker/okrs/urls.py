"""URLs of a unit's OKR page: its OKRs and projects, and the forms that change them."""
from django.urls import path

from tracker.okrs import views

app_name = "okrs"

urlpatterns = [
    path("okrs/unit/<code:unit_code>/", views.unit_okrs, name="unit"),
    path("okrs/unit/<code:unit_code>/new/", views.new_okr, name="new_okr"),
    path("okrs/unit/<code:unit_code>/okr/<code:okr_code>/", views.edit_okr, name="okr"),
    path("okrs/unit/<code:unit_code>/project/<code:project_code>/", views.edit_project, name="project"),
]
