"""The reference fixture: 50 districts with DOPA codes in 6 zone groups, and the bureaus."""
import pytest
from django.db import IntegrityError
from django.db.models import Count

from tracker.org.models import Bureau, District, PolicyDimension, Unit, Zone

pytestmark = pytest.mark.django_db


def test_there_are_50_districts_with_dopa_codes():
    codes = list(District.objects.values_list("code", flat=True))
    assert codes == [str(code) for code in range(1001, 1051)]


def test_zone_sizes_are_9_10_7_9_8_7():
    sizes = Zone.objects.annotate(n=Count("units")).order_by("number").values_list("n", flat=True)
    assert list(sizes) == [9, 10, 7, 9, 8, 7]


def test_rat_burana_is_spelt_with_do_chada():
    assert District.objects.get(code="1024").name_th == "เขตราษฎร์บูรณะ"


def test_bureaus_have_short_codes():
    env = Bureau.objects.get(code="ENV")
    assert env.name_th == "สำนักสิ่งแวดล้อม"
    assert Bureau.objects.get(code="SED").abbrev_th == "สยป."
    assert Bureau.objects.count() == 21


def test_nine_policy_dimensions():
    assert PolicyDimension.objects.count() == 9


def test_a_district_needs_a_zone():
    with pytest.raises(IntegrityError):
        Unit.objects.create(code="9999", kind=Unit.Kind.DISTRICT, name_th="เขตทดสอบ")


def test_a_bureau_has_no_zone():
    with pytest.raises(IntegrityError):
        Unit.objects.create(code="XX", kind=Unit.Kind.DEPARTMENT, name_th="สำนักทดสอบ", zone=Zone.objects.first())
