"""The Thai pages an adviser reads aloud at a meeting, as of the 7 June 2024 meeting: the glossary's
words on the page itself (the catalogue, the templates and the demo data together)."""
import re

import pytest

from tests.helpers import page_html, text_of
from tests.i18n.test_glossary import avoided_in

pytestmark = pytest.mark.django_db
AS_OF = "?as_of=2024-06-07"
PAGES = ["/", "/bureaus/ENV/", "/targets/ENV-WASTE-COLLECTION/", "/targets/ENV-WASTE-POINTS/", "/targets/ENV-TREES/"]


def thai_text(client, url):
    return text_of(page_html(client, url + AS_OF, HTTP_ACCEPT_LANGUAGE="th"))


@pytest.mark.parametrize("url", PAGES)
def test_a_page_showing_a_past_date_says_no_avoided_word(client, url):
    text = thai_text(client, url)
    assert "ข้อมูล ณ วันที่ 7 มิ.ย. 2567" in text
    assert not avoided_in(text), avoided_in(text)
    assert "ปัจจุบัน" not in text and "ระดับ" not in text and ";" not in text


def test_the_target_page_names_its_figures(client):
    html = page_html(client, "/targets/ENV-WASTE-COLLECTION/" + AS_OF, HTTP_ACCEPT_LANGUAGE="th")
    headline = text_of(re.search(r'<dl class="headline" id="headline">(.*?)</dl>', html, flags=re.S).group(1))
    for label in ("ผลการดำเนินงานล่าสุด (ค่าเฉลี่ยของทุกเขต)", "ค่าเป้าหมาย 100.00% ในแต่ละเขต", "% ของค่าเป้าหมาย", "ค่าตามแผน", "ค่าคาดการณ์ ณ วันครบกำหนด"):
        assert label in headline, label
    text = text_of(html)
    assert "ร้อยละของอาคารและหลังคาเรือนในเขตที่สามารถจัดเก็บขยะได้ไม่น้อยกว่า 2 ครั้งต่อสัปดาห์" in text
    assert "เป้าหมายแบบไม่สะสม (ใช้ค่าล่าสุด)" in text
    assert "ช่วงผลการดำเนินงาน" in text and "กลุ่มเขต 1" in text


def test_a_cumulative_target_shows_its_result_to_date(client):
    html = page_html(client, "/targets/ENV-TREES/" + AS_OF, HTTP_ACCEPT_LANGUAGE="th")
    headline = text_of(re.search(r'<dl class="headline" id="headline">(.*?)</dl>', html, flags=re.S).group(1))
    assert "ผลการดำเนินงานสะสม 218,910 ต้น" in headline
    assert "ค่าเป้าหมาย 200,000 ต้น" in headline
    assert "กระจายค่าเป้าหมายให้เขตแล้ว 200,000 ต้น" in headline


@pytest.mark.parametrize("url", ["/bureaus/ENV/", "/targets/ENV-WASTE-POINTS/"])
def test_counts_carry_their_unit(client, url):
    assert "บันทึกค่าเป้าหมายรายเขตแล้ว รวมทั้งสิ้น 2,473 จุด" in thai_text(client, url)


def test_the_bureau_pages_okr_and_project_counts_carry_their_unit(client):
    summary = text_of(re.search(r'<dl class="headline okr-summary">(.*?)</dl>', page_html(
        client, "/bureaus/ENV/" + AS_OF, HTTP_ACCEPT_LANGUAGE="th"), flags=re.S).group(1))
    assert "26 OKR" in summary and "97 โครงการ/กิจกรรม" in summary and "92 โครงการ/กิจกรรม" in summary


def test_the_bureau_page_names_the_districts_furthest_behind(client):
    text = thai_text(client, "/bureaus/ENV/")
    assert "เขตที่มีผลการดำเนินงานต่ำสุด:" in text
    assert "จุดทิ้งขยะกลางในหมู่บ้าน" in text
    assert "จำนวนเขตจำแนกตามช่วงผลการดำเนินงาน" in page_html(client, "/bureaus/ENV/" + AS_OF, HTTP_ACCEPT_LANGUAGE="th")


def test_the_district_page_names_its_zone_group_once(client):
    text = thai_text(client, "/districts/1001/")
    assert "กลุ่มเขตกรุงเทพกลาง · ปีงบประมาณ" in text and "กลุ่มเขต: กลุ่มเขต" not in text
    assert not avoided_in(text) and "ปัจจุบัน" not in text


def test_the_meeting_page_gives_the_forecast_with_its_unit(client, meeting_day):
    from tracker.meetings.models import Meeting

    meeting = Meeting.objects.get(date=meeting_day, host__code="ENV")
    text = thai_text(client, f"/meetings/{meeting.pk}/")
    assert "ค่าคาดการณ์ตามอัตราเดิม 319,207 ต้น (159.60%)" in text
    assert "ค่าเป้าหมาย 200,000 ต้น" in text and "ผลการดำเนินงานสะสม 218,910 ต้น" in text
    assert not avoided_in(text) and "ปัจจุบัน" not in text
