"""The admin: every model of ours is there (results with their history inline), in Thai and English,
each list searchable and filterable, and a result saved there records who saved it."""
import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tracker.org.models import Unit
from tracker.targets.models import Result, ResultRevision, Target

pytestmark = pytest.mark.django_db

OUR_APPS = ["org", "targets", "okrs"]
INLINE_ONLY = {ResultRevision}  # read-only history, shown on each result


def our_models():
    return [m for label in OUR_APPS for m in apps.get_app_config(label).get_models() if not m._meta.proxy]


def test_every_model_is_in_the_admin():
    inlines = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    for model in our_models():
        assert model in admin.site._registry or (model in INLINE_ONLY and model in inlines), model


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_list_searches_and_filters(admin_client, language):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert model_admin.search_fields, model
        response = admin_client.get(url, {"q": "1"}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        if model_admin.list_filter:
            assert 'id="changelist-filter"' in response.content.decode(), url


def test_labels_are_thai_in_thai(admin_client):
    page = admin_client.get(reverse("admin:targets_result_changelist"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "ผลการดำเนินงานรายเดือน" in page
    page = admin_client.get(reverse("admin:targets_result_changelist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "monthly results" in page.lower()


def test_a_result_saved_in_the_admin_records_its_author_and_a_revision(admin_client, admin_user):
    target, unit = Target.objects.get(code="ENV-WASTE-POINTS"), Unit.objects.get(code="1001")
    response = admin_client.post(reverse("admin:targets_result_add"), {
        "target": target.pk, "unit": unit.pk, "period": "2024-06-01", "value": "4", "note": "", "state": "submitted",
        "entered_at_0": "2024-06-05", "entered_at_1": "10:00:00",
        "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    result = Result.objects.get(target=target, unit=unit, period=datetime.date(2024, 6, 1))
    assert result.entered_by == admin_user
    assert list(result.revisions.values_list("value", "changed_by")) == [(4, admin_user.pk)]


def test_the_admin_refuses_a_percentage_over_100(admin_client):
    target, unit = Target.objects.get(code="ENV-WASTE-COLLECTION"), Unit.objects.get(code="1001")
    response = admin_client.post(reverse("admin:targets_result_add"), {
        "target": target.pk, "unit": unit.pk, "period": "2024-06-01", "value": "120", "note": "", "state": "submitted",
        "entered_at_0": "2024-06-05", "entered_at_1": "10:00:00",
        "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "A percentage must be between 0 and 100." in response.content.decode()
    assert not Result.objects.filter(target=target, unit=unit, period=datetime.date(2024, 6, 1)).exists()
