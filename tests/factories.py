"""Making what tests need: people with roles, and twice the demo data."""
from django.contrib.auth import get_user_model

from tracker.okrs.models import Okr, Project
from tracker.org.models import Membership, Unit
from tracker.targets.models import Allocation, Result, Target


def person(username, *roles, superuser=False):
    """A user with (unit code, role) pairs, e.g. person("r", ("1001", Role.REPORTER))."""
    user = get_user_model().objects.create(username=username, is_superuser=superuser, is_staff=superuser)
    for code, role in roles:
        Membership.objects.create(user=user, unit=Unit.objects.get(code=code), role=role)
    return user


def double_the_data():
    """Copy every demo target, allocation, result, OKR and project under new codes: twice the data."""
    copies = {}
    for target in Target.objects.order_by("parent_id", "pk"):
        original = target.pk
        target.pk = None
        target.code = f"COPY-{target.code}"
        target.parent_id = copies.get(target.parent_id)
        target.save()
        copies[original] = target.pk
    Allocation.objects.bulk_create(
        Allocation(target_id=copies[a.target_id], unit_id=a.unit_id, value=a.value) for a in Allocation.objects.all()
    )
    Result.objects.bulk_create(
        Result(target_id=copies[r.target_id], unit_id=r.unit_id, period=r.period, value=r.value,
               is_percentage=r.is_percentage, state=r.state, entered_at=r.entered_at, updated_at=r.updated_at,
               verified_at=r.verified_at)
        for r in Result.objects.all()
    )
    okr_copies = {}
    for okr in Okr.objects.order_by("pk"):
        original = okr.pk
        okr.pk, okr.code, okr.target_id = None, f"COPY-{okr.code}", copies.get(okr.target_id)
        okr.save()
        okr_copies[original] = okr.pk
    for project in Project.objects.prefetch_related("okrs").order_by("pk"):
        okrs = [okr_copies[o.pk] for o in project.okrs.all()]
        project.pk, project.code = None, f"COPY-{project.code}"
        project.save()
        project.okrs.set(okrs)
    assert Target.objects.count() == 12 and Project.objects.count() == 194
