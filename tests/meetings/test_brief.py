"""The meeting's brief (page and PDF), its presentation mode and the server-drawn SVG charts, on the
demo's 7 June 2024 meeting: the figures the meeting saw, in Thai and in English."""
import re
import subprocess
import xml.etree.ElementTree as ET
import zlib
from decimal import Decimal
from importlib.util import find_spec

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from tests.helpers import figure_texts
from tracker.meetings import agenda as agendas
from tracker.meetings import svgcharts

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url)


def brief_url(meeting):
    return reverse("meetings:brief", kwargs={"pk": meeting.pk})


def article(text, code):
    """The brief's part on one target."""
    return text.split(f'data-review="{code}"', 1)[1].split("<article", 1)[0]


def band_counts(html):
    """The districts counted in each band (high, middle, low), as the list under the chart shows them."""
    listed = html.split('class="band-counts"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<strong>(\d+)</strong>", listed)[:3]


@pytest.mark.parametrize("language, trees, parks, chair, not_reporting", [
    ("th", "218,910 / 200,000 ต้น", "89 / 156 แห่ง", "ประธานที่ปรึกษาผู้ว่าราชการกรุงเทพมหานคร", "ยังไม่รายงานผล"),
    ("en", "218,910 / 200,000 trees", "89 / 156 parks", "Chief Adviser to the Governor of Bangkok", "Not reporting yet"),
])
def test_the_brief_shows_the_figures_the_meeting_saw(client, seed, language, trees, parks, chair, not_reporting):
    response = get(client, brief_url(seed), language)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    text = response.content.decode()
    assert figure_texts(article(text, "ENV-TREES"))["result"] == trees
    assert {k: v for k, v in figure_texts(article(text, "ENV-PARKS")).items() if k in ("result", "percent")} == {
        "result": parks, "percent": "57.05%",
    }
    assert response.context["meeting"].chair == chair
    assert f"<dd data-fact=\"chair\">{chair}</dd>" in text
    items = response.context["agenda"].items
    by_code = {item.target.code: item for item in items}
    # Waste collection (31 / 7 / 12 districts) and separation (49,574; 5 / 41 / 4): the band counts shown.
    collection = by_code["ENV-WASTE-COLLECTION"].figure.band_counts
    assert (collection["high"], collection["middle"], collection["low"]) == (31, 7, 12)
    separation = by_code["ENV-WASTE-SEPARATION"].figure
    assert separation.result == 49574
    assert (separation.band_counts["high"], separation.band_counts["middle"], separation.band_counts["low"]) == (5, 41, 4)
    assert figure_texts(article(text, "ENV-WASTE-SEPARATION"))["result"].startswith("49,574 / 73,200 ")
    assert band_counts(article(text, "ENV-WASTE-COLLECTION")) == ["31", "7", "12"]
    assert band_counts(article(text, "ENV-WASTE-SEPARATION")) == ["5", "41", "4"]
    # Waste points: no district has reported yet.
    assert by_code["ENV-WASTE-POINTS"].figure.status == "not_reporting"
    assert not_reporting in article(text, "ENV-WASTE-POINTS")
    # One chart per target, drawn on the server.
    assert text.count('class="svg-chart svg-trajectory"') == len(items)


def test_the_brief_has_the_meeting_header_and_its_action(client, seed):
    text = get(client, brief_url(seed), "th").content.decode()

    assert "7 มิ.ย. 2567" in text
    assert "สำนักสิ่งแวดล้อม" in text
    assert "ห้องประชุม ชั้น 15" in text
    assert "รองปลัดกรุงเทพมหานคร" in text  # an attendee
    assert 'data-action="%s-1"' % seed.pk in text  # the waste points' action, with its responsible unit
    assert reverse("meetings:brief_pdf", kwargs={"pk": seed.pk}) in text


def test_the_brief_costs_a_constant_number_of_queries(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert get(client, brief_url(seed), "th").status_code == 200


def test_the_presentation_has_a_screen_per_target_and_a_title_and_last_screen(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = get(client, reverse("meetings:present", kwargs={"pk": seed.pk}), "th")

    text = response.content.decode()
    items = response.context["agenda"].items
    assert len(re.findall(r'<section class="slide[ "]', text)) == len(items) + 2
    slide = text.split('aria-labelledby="slide-title-ENV-TREES"', 1)[1].split("</section>", 1)[0]
    assert {k: v for k, v in figure_texts(slide).items() if k in ("result", "percent")} == {
        "result": "218,910 / 200,000 ต้น", "percent": "109.46%",
    }
    parks = text.split('aria-labelledby="slide-title-ENV-PARKS"', 1)[1].split("</section>", 1)[0]
    assert figure_texts(parks)["percent"] == "57.05%"
    assert "<script>" not in text  # a strict CSP: the only script is a file
    assert static("js/present.js") in text


def test_an_unknown_meeting_is_a_404(client):
    for name in ("meetings:brief", "meetings:brief_pdf", "meetings:present"):
        assert client.get(reverse(name, kwargs={"pk": 999_999})).status_code == 404


def test_the_meeting_page_links_to_the_brief_pdf_and_presentation(client, seed):
    text = get(client, reverse("meetings:meeting", kwargs={"pk": seed.pk}), "th").content.decode()
    for name in ("meetings:brief", "meetings:brief_pdf", "meetings:present"):
        assert reverse(name, kwargs={"pk": seed.pk}) in text


@pytest.mark.skipif(find_spec("weasyprint") is None, reason="WeasyPrint (the PDF library) is not installed")
@pytest.mark.parametrize("url", ["meetings:brief_pdf", "meetings:brief"])
def test_the_pdf_is_made_on_the_server_with_the_thai_font(client, seed, url):
    query = "?format=pdf" if url == "meetings:brief" else ""
    response = get(client, reverse(url, kwargs={"pk": seed.pk}) + query, "th")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="meeting-ENV-2024-06-07.pdf"'
    assert response.content.startswith(b"%PDF")
    objects = pdf_objects(response.content)
    assert b"Sarabun-Thai" in objects  # the Thai glyphs are Sarabun's, embedded
    assert b"Sarabun-Latin" in objects


@pytest.mark.skipif(find_spec("weasyprint") is None, reason="WeasyPrint (the PDF library) is not installed")
def test_the_pdfs_text_reads_back_with_the_meetings_figures(client, seed):
    """What a reader copies or searches in the PDF (poppler's pdftotext, which ``make test``
    installs), line by line as laid out. In production mode (DEBUG=0, hashed static files) too."""
    response = get(client, reverse("meetings:brief_pdf", kwargs={"pk": seed.pk}), "en")
    assert response.status_code == 200
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.decode().splitlines()]
    assert "1 Trees planted 109.46% 68.58% ✔ Achieved" in lines
    assert "5 Central waste points in villages 0.00% 68.58% … Not reporting yet" in lines
    assert "Result to date 218,910 / 200,000 trees" in lines
    assert "Expected by now 68.58% (137,158 trees) 100,000" in lines  # and the chart's axis beside it


@pytest.mark.skipif(find_spec("weasyprint") is None, reason="WeasyPrint (the PDF library) is not installed")
def test_the_pdf_fetches_static_files_only():
    from tracker.meetings.brief import static_fetcher

    fetcher = static_fetcher()
    font = fetcher.fetch("http://testserver/static/vendor/sarabun/files/sarabun-thai-400-normal.woff2")
    assert font.read(4) == b"wOF2"
    for url in ("http://example.com/static/../settings.py", "http://testserver/meetings/1/", "file:///etc/passwd"):
        with pytest.raises(Exception):
            fetcher.fetch(url)


def pdf_objects(pdf):
    """The PDF's bytes with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"".join(parts)


def trees(seed):
    return {item.target.code: item for item in agendas.load(seed).items}["ENV-TREES"].figure


def test_the_trajectory_chart_is_valid_svg_with_a_title(seed):
    figure = trees(seed)
    with translation.override("th"):
        svg = svgcharts.trajectory(figure, "th")

    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title.text == (
        "ปลูกต้นไม้: ผลการดำเนินงานสะสม รายเดือนเทียบกับเส้นตรงสู่ค่าเป้าหมาย 218,910 ต้น จาก 200,000 ต้น (109.46%) ค่าตามแผน 68.58%"
    )
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "ต.ค. 66" in labels  # months labelled, in BE
    assert len(root.findall(f"{SVG}polyline")) == 2  # the result to date and the straight line


def test_the_charts_escape_text(seed):
    figure = trees(seed)
    figure.target.name_th = figure.target.name_en = '<script>alert("x")</script> & ต้นไม้'
    svg = svgcharts.trajectory(figure, "en", chart_id='a"b')
    bands = svgcharts.band_bar(figure)

    root = ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg
    assert '<script>alert("x")</script> & ต้นไม้' in root.find(f"{SVG}title").text
    assert root.get("id") == 'a"b'
    bars = ET.fromstring(bands)
    assert [t.text for t in bars.iter(f"{SVG}text")] == ["33", "17"]


def test_a_chart_without_districts_or_months_is_left_out(seed):
    figure = trees(seed)
    figure.band_counts = {"high": 0, "middle": 0, "low": 0, "none": 0}
    assert svgcharts.band_bar(figure) == ""
    figure.months = []
    assert svgcharts.trajectory(figure, "th") == ""


def test_a_level_target_is_drawn_in_percent(seed):
    figure = {item.target.code: item for item in agendas.load(seed).items}["ENV-WASTE-COLLECTION"].figure
    root = ET.fromstring(svgcharts.trajectory(figure, "en"))
    assert "79.87%" in root.find(f"{SVG}title").text
    assert figure.target.target_value == Decimal(100)


def test_without_the_pdf_library_the_brief_says_so_and_offers_printing(client, seed, monkeypatch):
    def missing(html, base_url):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("tracker.meetings.brief.render_pdf", missing)
    response = client.get(f"/meetings/{seed.pk}/brief.pdf", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == f"/meetings/{seed.pk}/brief/"
    assert "Print the brief from the browser" in response.content.decode()
