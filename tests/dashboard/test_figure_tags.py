"""The pieces every figure is shown with (status chip, bar, result, band counts, compliance link): the
fragments other pages include, and the overview's rows, which draw the same pieces in one loop."""
import datetime
import re
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tests.factories import person
from tracker.dashboard.templatetags.tracker import WORDS, code_url, words
from tracker.lib.formatting import display, num
from tracker.org.models import Role, Unit
from tracker.targets.models import Result, Target, UnitOfMeasure
from tracker.targets.progress import band_text
from tracker.targets.rules import Band
from tracker.targets.recording import record_result


@pytest.mark.parametrize("name,code", [("dashboard:target", "ENV-TREES"), ("dashboard:bureau", "ENV"), ("dashboard:district", "1001")])
def test_code_url_is_reverse(name, code):
    assert code_url(name, code) == reverse(name, args=[code])


def test_words_are_translated_once_per_language_as_the_templates_translate_them():
    with translation.override("th"):
        thai = words()
        assert thai["%(p)s done; %(e)s expected by now"] == "ดำเนินการแล้ว %(p)s ค่าตามแผน %(e)s"
        assert all(thai[message] != message for message in WORDS), "every sentence has its Thai"
    with translation.override("en"):
        assert words()["Not reported"] == "Not reported"


def test_the_overview_rows_carry_each_targets_figures(client, meeting_day, db):
    html = client.get(f"/?as_of={meeting_day}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    row = html[html.index('data-target="ENV-TREES"'):]
    row = row[:row.index("</tr>")]
    assert '<a href="/targets/ENV-TREES/?as_of=2024-06-07">' in row
    assert 'data-label="% ของค่าเป้าหมาย"' in row and "218,910" in row
    assert 'class="band-counts"' in row and 'class="bar"' in row and 'class="status status-' in row


def folded(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


PIECES = "{% load tracker %}{% result_cell figure %}|{% progress_bar figure %}|{% status_chip figure %}"
DISTRICT_PIECES = "{% load tracker %}{% band_counts figure %}|{% compliance_link figure compliance keep %}"


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_overview_rows_draw_the_pieces_as_the_fragments_do(client, db, clock, language):
    """Each row's result, bar, status, band counts and compliance link, as the fragments draw them for
    the same figure: results awaiting verification, a level target, a comparison day, staff links."""
    clock(2024, 6, 20, 9)
    june = datetime.date(2024, 6, 1)
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=june, value=100, by=None)
    record_result(target=Target.objects.get(code="ENV-WASTE-COLLECTION"), unit=Unit.objects.get(code="1002"), period=june,
                  value=80, by=None)
    clock(2024, 6, 25, 9)
    client.force_login(person("coordinator", ("SED", Role.COORDINATOR)))
    response = client.get("/?as_of=2024-06-25&since=2024-06-07", HTTP_ACCEPT_LANGUAGE=language)
    html, context = folded(response.content.decode()), response.context
    pieces, district_pieces = engines["django"].from_string(PIECES), engines["django"].from_string(DISTRICT_PIECES)
    figures = [figure for hosted in context["bureaus"].values() for figure in hosted]
    assert len(figures) == 6
    with translation.override(language):
        for figure in figures:
            row = html[html.index(f'data-target="{figure.target.code}"'):]
            row = row[:row.index("</tr>")]
            drawn = pieces.render({"figure": figure}).split("|")
            if figure.target.districts_carry:
                drawn += district_pieces.render({"figure": figure, "compliance": context["compliance"], "keep": context["keep"]}).split("|")
            for piece in drawn:
                assert folded(piece) in row, (figure.target.code, piece)
            assert 'class="trend trend-' in row
    assert html.count('class="unverified"') == 2 and html.count('class="no-print compliance-link"') == 6
    assert "of which 100 not yet verified" in html or "ในจำนวนนี้ยังไม่ได้ตรวจสอบ 100" in html


@pytest.mark.parametrize("language", ["th", "en"])
def test_display_is_djangos_display_for_every_choice(language):
    with translation.override(language):
        for value in [*UnitOfMeasure.values, "not-a-unit"]:
            target = Target(unit_of_measure=value)
            assert display(target, "unit_of_measure") == target.get_unit_of_measure_display()
        for state in [*Result.State.values, "not-a-state"]:
            result = Result(state=state)
            assert display(result, "state") == result.get_state_display()
        assert display(Target(unit_of_measure=UnitOfMeasure.TREES), "unit_of_measure") == ("ต้น" if language == "th" else "trees")


@pytest.mark.parametrize("low, high", [(Decimal("50"), Decimal("100")), (Decimal("25.000"), Decimal("100.000")), (Decimal("12.5"), Decimal("87.25"))])
def test_band_texts_from_thresholds(low, high):
    shown = {"low": num(low, 0 if low == int(low) else 2), "high": num(high, 0 if high == int(high) else 2)}
    assert band_text(Band.HIGH, low, high) == band_text("high", low, high) == f"≥ {shown['high']}%"
    assert band_text(Band.MIDDLE, low, high) == f"{shown['low']}% – < {shown['high']}%"
    assert band_text(Band.LOW, low, high) == f"< {shown['low']}%"
    with translation.override("en"):
        assert band_text(Band.NONE, low, high) == "Not reported"
        assert band_text(Band.NONE, low, high, "none yet") == "none yet"


def test_a_result_awaiting_verification_is_said_in_the_result(db):
    figure = type("Figure", (), {})()
    figure.target = Target.objects.get(code="ENV-TREES")
    figure.result, figure.unverified, figure.unverified_units = Decimal("218910"), Decimal("1234"), 1
    with translation.override("en"):
        html = engines["django"].from_string("{% load tracker %}{% result_cell figure %}").render({"figure": figure})
    assert html == ('<span class="num">218,910</span> / <span class="num">200,000</span> <span class="unit-label">trees</span>'
                    '<small class="unverified" data-figure="unverified">of which 1,234 not yet verified</small>')
