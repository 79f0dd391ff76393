"""The admin: every model of ours is there (results with their history inline), in Thai and English,
each list searchable and filterable, and a result saved there records who saved it."""
import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tracker.org.models import Membership, Profile, Role, Unit
from tracker.targets import progress, recording
from tracker.targets.models import Allocation, Result, ResultRevision, Target

pytestmark = pytest.mark.django_db

OUR_APPS = ["org", "targets", "okrs", "meetings"]
INLINE_ONLY = {ResultRevision, Profile}  # read-only history, shown on each result; a person's language, on the person


def our_models():
    # Historical* models (django-simple-history) are shown by their model's "History" page.
    return [
        m for label in OUR_APPS for m in apps.get_app_config(label).get_models()
        if not m._meta.proxy and not m.__name__.startswith("Historical")
    ]


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


def post_result(admin_client, language="en", **fields):
    data = {
        "note": "", "state": "submitted", "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
        # Typed by hand, these must be ignored: the server says when a result was recorded.
        "entered_at_0": "2024-06-05", "entered_at_1": "10:00:00",
        **fields,
    }
    return admin_client.post(reverse("admin:targets_result_add"), data, HTTP_ACCEPT_LANGUAGE=language)


def test_the_admin_cannot_backdate_a_result(admin_client, meeting_day):
    target, unit = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code="1001")
    response = post_result(admin_client, target=target.pk, unit=unit.pk, period="2024-06-01", value="50000")
    assert response.status_code == 302, response.content.decode()[:2000]
    result = Result.objects.get(target=target, unit=unit, period=datetime.date(2024, 6, 1))
    assert timezone.localdate(result.entered_at) == timezone.localdate()  # in Bangkok, whatever the hour in UTC
    assert timezone.localdate(result.revisions.get().changed_at) == timezone.localdate()
    assert progress.compute([target], meeting_day)[target.pk].result == 218_910


@pytest.mark.parametrize(("period", "unit_code"), [("0001-01-01", "1001"), ("2999-01-01", "1001"), ("2024-10-01", "1001"), ("2024-06-01", "ENV")])
def test_the_admin_refuses_results_that_should_not_exist(admin_client, period, unit_code):
    target, unit = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code=unit_code)
    count = Result.objects.count()
    response = post_result(admin_client, target=target.pk, unit=unit.pk, period=period, value="9")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Result.objects.count() == count


def returned(result):
    """The host returns a verified result of the demo data, so that it may be corrected."""
    verifier = get_user_model().objects.create(username="verifier-env")
    Membership.objects.create(user=verifier, unit=Unit.objects.get(code="ENV"), role=Role.VERIFIER)
    return recording.record_result(
        target=result.target, unit=result.unit, period=result.period, value=result.value, note=result.note,
        state="returned", comment="ขอหลักฐาน", by=verifier,
    )


def test_a_verified_result_cannot_be_deleted_in_the_admin(reopened_months, admin_client):
    result = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1))
    assert result.state == "verified"
    response = admin_client.post(reverse("admin:targets_result_delete", args=[result.pk]), {"post": "yes"})
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.state == "verified"


def test_a_verified_result_is_not_edited_in_the_admin(reopened_months, admin_client):
    result = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1))
    revisions = result.revisions.count()
    response = admin_client.post(reverse("admin:targets_result_change", args=[result.pk]), {
        "value": str(result.value + 1), "note": "", "state": "submitted",
        "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": str(revisions),
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["state"] == [
        "This result is verified by the host bureau; ask the host to return it for correction first.",
    ]
    assert result.revisions.count() == revisions


def test_deleting_in_the_admin_keeps_the_history(reopened_months, admin_client, admin_user):
    result = returned(Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1)))
    response = admin_client.post(reverse("admin:targets_result_delete", args=[result.pk]), {"post": "yes"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.state == Result.State.DELETED
    latest = result.revisions.order_by("-changed_at").first()
    assert (latest.state, latest.changed_by) == ("deleted", admin_user)


def test_an_edit_in_the_admin_keeps_the_author_and_records_the_editor(reopened_months, admin_client, admin_user):
    result = returned(Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1)))
    response = admin_client.post(reverse("admin:targets_result_change", args=[result.pk]), {
        "value": str(result.value + 1), "note": "แก้ตามหนังสือเขต", "state": "submitted",
        "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": str(result.revisions.count()),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    result.refresh_from_db()
    assert result.entered_by is None  # the demo data's author, unchanged
    assert (result.verified_by, result.state) == (None, "submitted")
    assert result.revisions.order_by("-changed_at").first().changed_by == admin_user


def test_an_allocation_changed_in_the_admin_keeps_its_old_value_in_the_history(admin_client, admin_user, meeting_day):
    allocation = Allocation.objects.get(target__code="ENV-TREES", unit__code="1001")
    old = allocation.value
    response = admin_client.post(reverse("admin:targets_allocation_change", args=[allocation.pk]), {"value": "6000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    allocation.refresh_from_db()
    assert allocation.value == 6000
    assert [(h.value, h.history_user) for h in allocation.history.order_by("history_date")] == [(old, None), (6000, admin_user)]
    target = Target.objects.get(code="ENV-TREES")
    mine = next(u for u in progress.compute([target], meeting_day)[target.pk].units if u.unit.code == "1001")
    assert mine.allocation == old  # as of the meeting, the allocation it had then


def test_a_target_changed_in_the_admin_is_judged_as_it_stood_on_earlier_days(admin_client, admin_user, meeting_day):
    target = Target.objects.get(code="ENV-TREES")
    data = {
        "code": target.code, "name_th": target.name_th, "name_en": target.name_en, "policy": target.policy_id,
        "host": target.host_id, "unit_of_measure": target.unit_of_measure, "decimals": target.decimals,
        "measure": target.measure, "target_value": "300000", "fiscal_year": target.fiscal_year,
        "start_date": target.start_date.isoformat(), "deadline": target.deadline.isoformat(),
        "band_high": target.band_high, "band_low": target.band_low, "districts_carry": "on", "sort_order": 1,
        "source_note_th": target.source_note_th, "source_note_en": target.source_note_en,
        "allocations-TOTAL_FORMS": "0", "allocations-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:targets_target_change", args=[target.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Target.objects.get(pk=target.pk).target_value == 300_000
    assert [(h.target_value, h.history_user) for h in target.history.order_by("history_date")] == [(200_000, None), (300_000, admin_user)]
    then = progress.compute([Target.objects.get(pk=target.pk)], meeting_day)[target.pk]
    assert then.target.target_value == 200_000 and then.status == "achieved"  # the meeting's 218,910 of 200,000
    now = progress.compute([Target.objects.get(pk=target.pk)], datetime.date.today())[target.pk]
    assert now.target.target_value == 300_000
