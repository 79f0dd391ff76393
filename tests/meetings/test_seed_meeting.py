"""The demo's 7 June 2024 Environment Department meeting: its agenda holds the report's figures,
computed as of the meeting day when the fixture is loaded (none typed in), and its action."""
from decimal import Decimal

import pytest

from tracker.meetings import agenda
from tracker.meetings.recording import agenda_targets
from tracker.meetings.snapshot import freeze
from tracker.targets import progress
from tracker.targets.rules import Status

pytestmark = pytest.mark.django_db


def test_the_agenda_reviews_the_five_targets_in_the_reports_order(seed):
    assert [r.target.code for r in seed.reviews.order_by("sort_order")] == [
        "ENV-TREES", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS",
    ]
    assert seed.figures_as_of == seed.date and seed.figures_final
    assert "ธานีนพรัตน์" in seed.place_th and "Thaninopparat" in seed.place_en


def test_its_figures_are_the_reports(seed):
    items = {item.target.code: item.figure for item in agenda.load(seed).items}
    trees = items["ENV-TREES"]
    assert (trees.result, trees.target.target_value, trees.status) == (218_910, 200_000, Status.ACHIEVED)
    assert [(c.target.code, c.result, c.target.target_value) for c in trees.children] == [("ENV-TREES-PERENNIAL", 45_719, 157_567)]
    assert (items["ENV-PARKS"].result, round(items["ENV-PARKS"].percent, 2)) == (89, Decimal("57.05"))
    assert {k: items["ENV-WASTE-COLLECTION"].band_counts[k] for k in ("high", "middle", "low")} == {"high": 31, "middle": 7, "low": 12}
    separation = items["ENV-WASTE-SEPARATION"]
    assert separation.result == 49_574
    assert {k: separation.band_counts[k] for k in ("high", "middle", "low")} == {"high": 5, "middle": 41, "low": 4}
    assert items["ENV-WASTE-POINTS"].status == Status.NOT_REPORTING


def test_the_stored_figures_are_those_computed_as_of_the_meeting_day(seed):
    figures = progress.compute(agenda_targets(seed.host, seed.date), seed.date)
    for review in seed.reviews.all():
        assert review.figures == freeze(figures[review.target_id]), review.target.code


def test_its_action_asks_the_districts_via_strategy_and_evaluation(seed):
    action = seed.actions.get()
    assert (action.number, action.target.code, action.responsible.code, action.state) == (1, "ENV-WASTE-POINTS", "SED", "open")
    assert "OKR" in action.description and "ค่าเป้าหมายรายเขต" in action.description


def test_the_meeting_is_one_click_from_the_home_page(client, seed):
    html = client.get("/").content.decode()
    assert f'href="/meetings/{seed.pk}/"' in html


def test_its_problems_are_the_notes_of_the_districts_furthest_behind(seed):
    for item in agenda.load(seed).items:
        if not item.figure.lagging:
            continue
        problems = item.review.problems.splitlines()
        assert problems and all("(ข้อมูลสาธิต)" in line for line in problems), item.target.code
        lagging = {u.unit.name for u in item.figure.lagging}
        assert {line.split(":")[0] for line in problems} <= lagging, item.target.code
