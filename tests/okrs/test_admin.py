"""A project changed in the admin keeps its state as loaded, so past figures do not move."""
import datetime

import pytest
from django.urls import reverse

from tracker.okrs.models import Project

pytestmark = pytest.mark.django_db


def test_a_project_changed_in_the_admin_keeps_its_state_as_loaded(admin_client, admin_user):
    project = Project.objects.get(code="ENV-PRJ-001")
    data = {
        "code": project.code, "unit": project.unit_id, "name_th": project.name_th, "name_en": project.name_en,
        "status": "completed", "progress": "100", "last_reported_on": "2024-06-05",
        "okrs": [o.pk for o in project.okrs.all()],
    }
    response = admin_client.post(reverse("admin:okrs_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [(h.status, h.history_user) for h in project.history.order_by("history_date")] == [
        ("in_progress", None), ("completed", admin_user),
    ]
    summary = Project.objects.summary_by_unit([project.unit_id], as_of=datetime.date(2024, 6, 7))[project.unit_id]
    assert (summary["completed"], summary["in_progress"]) == (5, 92)
