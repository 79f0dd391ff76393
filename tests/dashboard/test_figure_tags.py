"""The Python tags that draw the figures (status chip, bar, result, band counts, trend, overview rows)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tracker.dashboard.templatetags.tracker import WORDS, code_url, esc, words


@pytest.mark.parametrize("value", [
    "<script>alert('x')</script> & \"q\"", mark_safe("<b>kept</b>"), gettext_lazy("Status"), 218910, Decimal("57.05"), None, "",
    "ก๊วยเตี๋ยว <เขต>",
])
def test_esc_escapes_as_conditional_escape_does(value):
    assert esc(value) == conditional_escape(value)


@pytest.mark.parametrize("name,code", [("dashboard:target", "ENV-TREES"), ("dashboard:bureau", "ENV"), ("dashboard:district", "1001")])
def test_code_url_is_reverse(name, code):
    assert code_url(name, code) == reverse(name, args=[code])


def test_words_are_translated_once_per_language_as_the_templates_translate_them():
    with translation.override("th"):
        thai = words()
        assert thai["%% of target"] == "% ของค่าเป้าหมาย"  # the template's "% of target", one entry in the catalogue
        assert thai["districts"] == "เขต"
        assert all(thai[message] != message for message in WORDS), "every word has its Thai"
    with translation.override("en"):
        assert words()["%% of target"] == "% of target"


def test_the_overview_rows_carry_each_targets_figures(client, meeting_day, db):
    html = client.get(f"/?as_of={meeting_day}", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    row = html[html.index('data-target="ENV-TREES"'):]
    row = row[:row.index("</tr>")]
    assert '<a href="/targets/ENV-TREES/?as_of=2024-06-07">' in row
    assert 'data-label="% ของค่าเป้าหมาย"' in row and "218,910" in row
    assert 'class="band-counts"' in row and 'class="bar"' in row and 'class="status status-' in row


@pytest.mark.parametrize("language", ["th", "en"])
def test_unit_label_is_djangos_display(language):
    from tracker.dashboard.templatetags.tracker import unit_label
    from tracker.targets.models import Target, UnitOfMeasure

    with translation.override(language):
        for value in [*UnitOfMeasure.values, "not-a-unit"]:
            target = Target(unit_of_measure=value)
            assert unit_label(target) == target.get_unit_of_measure_display()
        assert unit_label(Target(unit_of_measure=UnitOfMeasure.TREES)) == ("ต้น" if language == "th" else "trees")


@pytest.mark.parametrize("low, high", [(Decimal("50"), Decimal("100")), (Decimal("25.000"), Decimal("100.000")), (Decimal("12.5"), Decimal("87.25"))])
def test_band_texts_from_thresholds(low, high):
    from tracker.dashboard.templatetags.tracker import band_text, num
    from tracker.targets.progress import Band

    shown = {"low": num(low, 0 if low == int(low) else 2), "high": num(high, 0 if high == int(high) else 2)}
    assert band_text(Band.HIGH, low, high) == band_text("high", low, high) == f"≥ {shown['high']}%"
    assert band_text(Band.MIDDLE, low, high) == f"{shown['low']}% – < {shown['high']}%"
    assert band_text(Band.LOW, low, high) == f"< {shown['low']}%"
    with translation.override("en"):
        assert band_text(Band.NONE, low, high) == "Not reported"
        assert band_text(Band.NONE, low, high, "none yet") == "none yet"
