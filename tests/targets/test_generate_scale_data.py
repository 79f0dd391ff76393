"""The synthetic city-scale dataset: sizes, constraints, replacing, and the demo figures left alone."""
import io

import pytest
from django.core.management import CommandError, call_command

from tracker.targets import progress
from tracker.targets.models import Allocation, Result, Target

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_scale_data", "--targets", "10", "--years", "2", "--districts", "5", "--last-year", "2566", *args, stdout=out)
    return out.getvalue()


def scale(model, field="target__code"):
    return model.objects.filter(**{f"{field}__startswith": "SCALE-"})


def test_it_creates_targets_allocations_and_monthly_results():
    output = generate()
    assert scale(Target, "code").count() == 20
    assert scale(Allocation).count() == 20 * 5
    assert scale(Result).count() == 20 * 5 * 12
    assert set(scale(Target, "code").values_list("fiscal_year", flat=True)) == {2565, 2566}
    assert scale(Target, "code").filter(parent__isnull=False).count() == 2  # target 2 of each year
    assert "100%" in output and "1,200 monthly results" in output


def test_levels_stay_within_0_and_100():
    generate()
    levels = scale(Result).filter(target__measure="level")
    assert levels.exists()
    assert not levels.filter(value__gt=100).exists()
    assert not levels.filter(is_percentage=False).exists()


def test_it_refuses_to_add_twice_without_delete():
    generate()
    with pytest.raises(CommandError, match="--delete"):
        generate()


def test_delete_replaces_and_remove_removes():
    generate()
    generate("--delete")
    assert scale(Result).count() == 1200
    call_command("generate_scale_data", "--remove", stdout=io.StringIO())
    assert not scale(Target, "code").exists() and not scale(Result).exists()


def test_the_meeting_figures_are_unaffected(meeting_day):
    generate("--last-year", "2567")
    trees = Target.objects.get(code="ENV-TREES")
    assert progress.compute([trees], meeting_day)[trees.pk].result == 218_910
