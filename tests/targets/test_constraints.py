"""Integrity rules the database itself enforces, even for rows written around the recording function."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.targets.models import Allocation, Result, Target

pytestmark = pytest.mark.django_db
MAY = datetime.date(2024, 5, 1)


def insert(**fields):
    """Write a row straight to the table (bulk_create skips the model's rules and the recording function)."""
    with transaction.atomic():
        Result.objects.bulk_create([Result(**fields)])


def test_no_duplicate_result_for_target_unit_month(trees, phra_nakhon):
    with pytest.raises(IntegrityError):
        insert(target=trees, unit=phra_nakhon, period=MAY, value=1)


def test_no_negative_result(trees, phra_nakhon):
    with pytest.raises(IntegrityError):
        insert(target=trees, unit=phra_nakhon, period=datetime.date(2024, 6, 1), value=-1)


def test_a_verified_result_says_when(trees, phra_nakhon):
    with pytest.raises(IntegrityError):
        insert(target=trees, unit=phra_nakhon, period=datetime.date(2024, 6, 1), value=1, state="verified")


def test_no_negative_allocation(phra_nakhon):
    points = Target.objects.get(code="ENV-WASTE-POINTS")
    Allocation.objects.filter(target=points, unit=phra_nakhon).delete()
    with pytest.raises(IntegrityError):
        Allocation.objects.create(target=points, unit=phra_nakhon, value=-5)


def test_no_duplicate_allocation(trees, phra_nakhon):
    with pytest.raises(IntegrityError):
        Allocation.objects.create(target=trees, unit=phra_nakhon, value=5)


def test_a_percentage_above_100_is_refused(phra_nakhon):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    with pytest.raises(IntegrityError):
        insert(target=collection, unit=phra_nakhon, period=datetime.date(2024, 6, 1), value="100.01", is_percentage=True)


def test_a_percentage_of_100_is_accepted(phra_nakhon):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    insert(target=collection, unit=phra_nakhon, period=datetime.date(2024, 6, 1), value=100, is_percentage=True)


def test_a_percentage_above_100_is_explained_in_the_form_language(phra_nakhon):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    result = Result(target=collection, unit=phra_nakhon, period=datetime.date(2024, 6, 1), value=101)
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


def test_a_baseline_belongs_to_a_level_target_below_its_value(trees):
    trees.baseline = 10
    with pytest.raises(IntegrityError), transaction.atomic():
        trees.save()
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    collection.baseline = 100
    with pytest.raises(IntegrityError), transaction.atomic():
        collection.save()
    collection.baseline = 56
    collection.save()
