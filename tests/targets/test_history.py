"""Rows loaded from fixtures start their history when they are loaded, dated by what the fixture says."""
import datetime
import json

import pytest
from django.core.management import call_command

from tracker.okrs.models import Okr
from tracker.targets.history import AS_LOADED
from tracker.targets.models import HeldFrom

pytestmark = pytest.mark.django_db
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


def fixture(tmp_path, name, objects):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return str(path)


def okr(code, name, held_from=None):
    objects = [{"model": "targets.heldfrom", "fields": {"fixture": code, "day": held_from}}] if held_from else []
    return objects + [{"model": "okrs.okr", "fields": {
        "code": code, "unit": ["ENV"], "target": ["ENV-TREES"], "fiscal_year": 2567, "name_th": name, "name_en": "",
    }}]


def records(code):
    return list(
        Okr.history.filter(code=code).order_by("history_date", "history_id")
        .values_list("history_type", "history_date", "name_th", "history_change_reason")
    )


def test_a_fixture_dates_its_rows_first_record_by_the_day_it_says(tmp_path):
    call_command("loaddata", fixture(tmp_path, "said", okr("T-OKR-1", "หนึ่ง", held_from="2023-11-15")), verbosity=0)
    assert records("T-OKR-1") == [("+", datetime.datetime(2023, 11, 15, tzinfo=BANGKOK), "หนึ่ง", AS_LOADED)]
    assert str(HeldFrom.objects.get(fixture="T-OKR-1")) == "T-OKR-1: 2023-11-15"


def test_a_fixture_that_says_nothing_dates_them_at_the_load_and_a_day_said_before_does_not_carry_over(tmp_path, clock):
    call_command("loaddata", fixture(tmp_path, "said", okr("T-OKR-1", "หนึ่ง", held_from="2023-11-15")), verbosity=0)
    moment = clock(2026, 12, 7, 9)
    call_command("loaddata", fixture(tmp_path, "silent", okr("T-OKR-2", "สอง")), verbosity=0)
    assert records("T-OKR-2") == [("+", moment, "สอง", AS_LOADED)]


def test_loading_again_writes_nothing_unless_the_fixture_changed_the_row(tmp_path, clock):
    said = okr("T-OKR-1", "หนึ่ง", held_from="2023-11-15")
    call_command("loaddata", fixture(tmp_path, "said", said), verbosity=0)
    call_command("loaddata", fixture(tmp_path, "said", said), verbosity=0)
    assert len(records("T-OKR-1")) == 1
    moment = clock(2026, 12, 7, 9)
    said[1]["fields"]["name_th"] = "หนึ่ง (แก้)"
    call_command("loaddata", fixture(tmp_path, "said", said), verbosity=0)
    assert records("T-OKR-1") == [
        ("+", datetime.datetime(2023, 11, 15, tzinfo=BANGKOK), "หนึ่ง", AS_LOADED), ("~", moment, "หนึ่ง (แก้)", AS_LOADED),
    ]
