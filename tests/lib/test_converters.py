"""Codes: what a URL can carry is what the data may hold."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from tracker.lib.converters import validate_code
from tracker.targets.models import Target


@pytest.mark.parametrize("code", ["ENV-TREES", "1001", "SCALE-2567-001", "ENV_OKR.01"])
def test_good_codes_pass_and_resolve(code):
    validate_code(code)
    assert resolve(f"/targets/{code}/").kwargs == {"code": code}


@pytest.mark.parametrize("code", ["a b", "a\x00b", "เขต", "-x", "a/b", "", "ENV-TREES\n"])
def test_bad_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_code(code)


@pytest.mark.parametrize("path", ["/targets/a%00b/", "/targets/a\x00b/", "/targets/เขต/", "/districts/-1/"])
def test_paths_with_bad_codes_do_not_resolve(path):
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.django_db
def test_a_target_code_a_url_cannot_carry_is_refused():
    target = Target.objects.get(code="ENV-TREES")
    target.code = "ENV TREES"
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "code" in error.value.message_dict
