"""URLs of the follow-up meetings."""
from django.urls import path

from tracker.web.pages import cached_page
from tracker.meetings import brief, views

app_name = "meetings"

urlpatterns = [
    path("meetings/", cached_page(views.meeting_list, reads=("bureau",)), name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:pk>/", cached_page(views.meeting_detail), name="meeting"),
    path("meetings/<int:pk>/brief/", cached_page(brief.brief, reads=("format",)), name="brief"),
    path("meetings/<int:pk>/brief.pdf", cached_page(brief.brief_pdf), name="brief_pdf"),
    path("meetings/<int:pk>/present/", cached_page(brief.present), name="present"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/figures/", views.meeting_figures, name="figures"),
    path("meetings/<int:pk>/targets/<code:target_code>/", views.review_edit, name="review"),
    path("meetings/<int:pk>/actions/new/", views.action_edit, name="new_action"),
    path("meetings/<int:pk>/actions/<int:number>/", views.action_edit, name="action"),
]
