"""Integrity rules the database itself enforces."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.org.models import District
from tracker.targets.models import Allocation, Result, ResultRevision, Target

pytestmark = pytest.mark.django_db
MAY = datetime.date(2024, 5, 1)


@pytest.fixture
def trees():
    return Target.objects.get(code="ENV-TREES")


@pytest.fixture
def district():
    return District.objects.get(code="1001")


def test_no_duplicate_result_for_target_unit_month(trees, district):
    with pytest.raises(IntegrityError):
        Result.objects.create(target=trees, unit=district, period=MAY, value=1)


def test_no_negative_result(trees, district):
    with pytest.raises(IntegrityError):
        Result.objects.create(target=trees, unit=district, period=datetime.date(2024, 6, 1), value=-1)


def test_no_negative_allocation(district):
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    Allocation.objects.filter(target=points, unit=district).delete()
    with pytest.raises(IntegrityError):
        Allocation.objects.create(target=points, unit=district, value=-5)


def test_no_duplicate_allocation(trees, district):
    with pytest.raises(IntegrityError):
        Allocation.objects.create(target=trees, unit=district, value=5)


def test_a_percentage_above_100_is_refused(district):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    with pytest.raises(IntegrityError):
        Result.objects.create(target=collection, unit=district, period=datetime.date(2024, 6, 1), value="100.01")


def test_a_percentage_of_100_is_accepted(district):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    Result.objects.create(target=collection, unit=district, period=datetime.date(2024, 6, 1), value=100)


def test_a_percentage_above_100_is_explained_in_the_form_language(district):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    result = Result(target=collection, unit=district, period=datetime.date(2024, 6, 1), value=101)
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert "value" in error.value.message_dict


def test_a_target_value_must_be_positive(trees):
    trees.target_value = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        trees.save()


def test_bands_must_be_ordered(trees):
    trees.band_low = 100
    with pytest.raises(IntegrityError), transaction.atomic():
        trees.save()


def test_deadline_after_start(trees):
    trees.deadline = trees.start_date
    with pytest.raises(IntegrityError), transaction.atomic():
        trees.save()


def test_every_save_leaves_a_revision(trees, district):
    result = Result.objects.create(target=trees, unit=district, period=datetime.date(2024, 6, 1), value=10)
    result.value = 12
    result.save()
    assert list(result.revisions.order_by("changed_at").values_list("value", flat=True)) == [10, 12]
    assert ResultRevision.objects.filter(result=result).count() == 2
