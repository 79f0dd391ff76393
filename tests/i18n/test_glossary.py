"""The Thai wording follows the product's glossary (../shared/glossary-th.md, BMA's own usage).

Every term the glossary says to avoid is absent from the Thai catalogue and from the Thai fields
of both fixtures; the preferred terms are where the glossary puts them (the band, the target
value, the plan value, the zone groups, the report's own target names, the source of the demo
figures). A new "avoid" in the glossary fails ``test_every_avoided_term_of_the_glossary_is_checked``
until it is added to ``AVOIDED`` below.
"""
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tests.i18n.test_catalogues import THAI, entries

GLOSSARY = Path(settings.BASE_DIR).parent / "shared" / "glossary-th.md"
FIXTURES = Path(settings.FIXTURE_DIRS[0])
THAI_LETTERS = re.compile("[\u0e00-\u0e7f]")

# Avoided word → why (the glossary row it comes from). Checked as plain substrings, except where
# ALLOWED_AROUND names the longer words that legitimately contain it.
AVOIDED = {
    "กรม": "bureau is สำนัก, never กรม",
    "อำเภอ": "district office is สำนักงานเขต, never อำเภอ",
    "หน่วยงานเจ้าของ": "responsible unit is หน่วยงานที่รับผิดชอบ",
    "ผู้สื่อข่าว": "reporter is ผู้รายงานผล",
    "มิตินโยบาย": "policy dimension is ด้านนโยบาย",
    "จัดสรร": "allocation is ค่าเป้าหมายรายเขต / กระจายค่าเป้าหมายให้เขต (จัดสรร reads as budget)",
    "เส้นฐาน": "baseline is ค่าฐาน",
    "แบบระดับ": "a level target is แบบไม่สะสม (ใช้ค่าล่าสุด)",
    "ผลงาน": "result is ผลการดำเนินงาน (ผลงาน is a personal appraisal)",
    "ระดับผลงาน": "band is ช่วงผลการดำเนินงาน",
    "ถึงปัจจุบัน": "result to date is ผลการดำเนินงานสะสม (pages show a past date)",
    "ณ ปัจจุบัน": "expected by now is ค่าตามแผน (pages show a past date)",
    "ตามหลัง": "lagging districts are เขตที่ผลการดำเนินงานต่ำกว่าแผน",
    "ฉบับร่าง": "draft is ร่าง",
}
# Words that contain an avoided word and are right: the Department of Provincial Administration
# (DOPA) whose district codes the reference data uses is a real กรม.
ALLOWED_AROUND = {"กรม": ("กรมการปกครอง",)}

# Glossary notes checked by a dedicated test rather than by a plain substring.
CHECKED_ELSEWHERE = {
    "ระดับ": "test_band_is_never_called_radap",
    "หน่วยงาน": "test_preferred_terms (unit of measure is หน่วยนับ)",
    "รายงาน": "test_no_bare_raai_ngaan",
    "รายงานการประชุม": "test_the_demo_figures_name_their_source",
}


def thai_catalogue():
    """(context, msgid, msgstr) of every Thai entry, each plural form separately."""
    return [
        (e["msgctxt"], e["msgid"], text)
        for e in entries(THAI / "django.po")
        for text in e["msgstr"].values()
    ]


def msgstr(msgid, context=None):
    found = [text for ctx, mid, text in thai_catalogue() if mid == msgid and ctx == context]
    assert found, f"no Thai entry for {context!r} {msgid!r}"
    return found[0]


def fixture_rows(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def thai_fixture_texts():
    """(fixture, model, field, text) of every fixture field that holds Thai."""
    found = []
    for name in ("reference.json", "demo_meeting_2567.json"):
        for row in fixture_rows(name):
            for field, value in row["fields"].items():
                if isinstance(value, str) and THAI_LETTERS.search(value):
                    found.append((name, row["model"], field, value))
    return found


def avoided_in(text):
    """The avoided words in ``text``, ignoring the longer words allowed around them."""
    hits = []
    for word in AVOIDED:
        cleaned = text
        for allowed in ALLOWED_AROUND.get(word, ()):
            cleaned = cleaned.replace(allowed, "")
        if word in cleaned:
            hits.append(word)
    return hits


@pytest.mark.skipif(not GLOSSARY.exists(), reason="the shared glossary is not beside the checkout")
def test_every_avoided_term_of_the_glossary_is_checked():
    notes = [line.rsplit("|", 2)[-2] for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    named = set()
    for note in notes:
        for clause in re.findall(r"(?:avoid|never)\b([^;,(]*)", note):
            named.update(re.findall(r"[\u0e00-\u0e7f][\u0e00-\u0e7f ]*[\u0e00-\u0e7f]|[\u0e00-\u0e7f]+", clause))
    assert named, "the glossary's notes column was not read"
    unchecked = {word for word in named if word not in AVOIDED and word not in CHECKED_ELSEWHERE}
    assert not unchecked, f"add these avoided terms to AVOIDED or CHECKED_ELSEWHERE: {sorted(unchecked)}"


def test_no_avoided_term_in_the_thai_catalogue():
    found = [(mid, word, text) for _ctx, mid, text in thai_catalogue() for word in avoided_in(text)]
    assert not found, "\n".join(f"{word}: {mid!r} → {text!r} ({AVOIDED[word]})" for mid, word, text in found)


def test_no_avoided_term_in_the_thai_fixtures():
    found = [(name, model, field, word) for name, model, field, text in thai_fixture_texts() for word in avoided_in(text)]
    assert not found, found


def test_band_is_never_called_radap():
    """ระดับ means "level" here: never for a band, and only where the English says level."""
    wrong = [
        (mid, text) for _ctx, mid, text in thai_catalogue()
        if "ระดับ" in text and ("band" in mid.lower() or "threshold" in mid.lower() or "level" not in mid.lower())
    ]
    assert not wrong, wrong


def test_no_bare_raai_ngaan():
    """To report is รายงานผล: "รายงาน" alone only in ส่งรายงาน (submit) or after the result it
    reports (ผลที่เขตรายงาน, ค่าที่รายงาน), where ผล is already said."""
    bare = []
    texts = [(mid, text) for _ctx, mid, text in thai_catalogue()]
    texts += [(f"{model}.{field}", text) for _name, model, field, text in thai_fixture_texts()]
    for where, text in texts:
        for match in re.finditer(r"รายงาน(?!ผล|การประชุม)", text):
            before = text[max(0, match.start() - 20):match.start()]
            if before.endswith("ส่ง") or re.search(r"(ผล|ค่า)(ตาม)?ที่[^ ]*$", before):
                continue
            bare.append((where, text[max(0, match.start() - 20):match.end() + 10]))
    assert not bare, bare


def test_thai_sentences_take_no_semicolon():
    found = [(mid, text) for _ctx, mid, text in thai_catalogue() if ";" in text]
    found += [(f"{model}.{field}", text) for _name, model, field, text in thai_fixture_texts() if ";" in text]
    assert not found, found


def test_projects_are_one_term_with_a_slash():
    wrong = [
        (mid, text) for _ctx, mid, text in thai_catalogue()
        if re.search(r"โครงการ\s+/|/\s+กิจกรรม|โครงการและกิจกรรม", text)
        or ("project" in mid.lower() and re.search(r"โครงการ(?!/กิจกรรม)", text) and mid != "projects")
    ]
    assert not wrong, wrong


def test_okr_takes_no_plural_s():
    assert not [(mid, text) for _ctx, mid, text in thai_catalogue() if "OKRs" in text]


@pytest.mark.parametrize(("context", "msgid", "thai"), [
    # band → ช่วงผลการดำเนินงาน
    (None, "Band", "ช่วงผลการดำเนินงาน"),
    (None, "Districts by band", "จำนวนเขตจำแนกตามช่วงผลการดำเนินงาน"),
    (None, "All bands", "ทุกช่วง"),
    (None, "upper band threshold (%)", "เกณฑ์ช่วงบน (%)"),
    (None, "lower band threshold (%)", "เกณฑ์ช่วงล่าง (%)"),
    # the target (the item) and its value (the number)
    (None, "Target", "เป้าหมาย"),
    ("target value", "Target", "ค่าเป้าหมาย"),
    (None, "Target value", "ค่าเป้าหมาย"),
    (None, "%% of target", "%% ของค่าเป้าหมาย"),
    # figures on a page that shows a past date: no ปัจจุบัน
    (None, "Expected by now", "ค่าตามแผน"),
    (None, "Result to date", "ผลการดำเนินงานสะสม"),
    (None, "Forecast at the deadline", "ค่าคาดการณ์ ณ วันครบกำหนด"),
    (None, "Furthest behind:", "เขตที่มีผลการดำเนินงานต่ำสุด:"),
    (None, "Lagging districts", "เขตที่ผลการดำเนินงานต่ำกว่าแผน"),
    (None, "Allocated to districts", "กระจายค่าเป้าหมายให้เขตแล้ว"),
    (None, "Allocation", "ค่าเป้าหมายรายเขต"),
    (None, "Baseline", "ค่าฐาน"),
    (None, "Level (the latest report is the current value)", "แบบไม่สะสม (ใช้ค่าล่าสุด)"),
    # the OKR table's bound column
    ("OKR bound to projects", "Yes", "ผูกแล้ว"),
    ("OKR bound to projects", "No", "ยังไม่ผูก"),
    (None, "Bound", "ผูกแล้ว"),
    (None, "Not bound", "ยังไม่ผูก"),
    (None, "OKRs", "OKR"),
    (None, "Projects", "โครงการ/กิจกรรม"),
    (None, "Projects and activities", "โครงการ/กิจกรรม"),
    # the states of a monthly result
    (None, "Draft", "ร่าง"),
    (None, "Submitted, awaiting verification", "รอตรวจสอบ"),
    (None, "Verified by host", "เจ้าภาพตรวจสอบแล้ว"),
    (None, "Returned for correction", "ส่งคืนแก้ไข"),
    (None, "Return for correction", "ส่งคืนแก้ไข"),
    (None, "Save draft", "บันทึกร่าง"),
    (None, "Submit", "ส่งรายงาน"),
    (None, "Not yet reported", "ยังไม่รายงานผล"),
    (None, "not yet reported", "ยังไม่รายงานผล"),
    (None, "Not reported", "ยังไม่รายงานผล"),
    # reporting
    (None, "Reminders to report", "แจ้งเตือนให้รายงานผล"),
    (None, "Import", "นำเข้าข้อมูล"),
    (None, "Who has reported", "การรายงานผลตามกำหนด"),
    # meetings
    ("follow-up action", "Action", "ข้อสั่งการ"),
    (None, "Brief", "สรุปสำหรับผู้บริหาร"),
    (None, "Presentation", "เอกสารนำเสนอ"),
    # organisations and measures
    ("organisation", "Unit", "หน่วยงาน"),
    ("measure", "unit", "หน่วยนับ"),
    (None, "owner unit", "หน่วยงานที่รับผิดชอบ"),
    (None, "policy dimension", "ด้านนโยบาย"),
    (None, "Fiscal year (BE)", "ปีงบประมาณ พ.ศ."),
], ids=lambda value: value if isinstance(value, str) and not THAI_LETTERS.search(value) else "")
def test_preferred_terms(context, msgid, thai):
    assert msgstr(msgid, context) == thai


def test_the_as_of_error_gives_the_year_in_be():
    text = msgstr("Choose a date from the year 2000 on.")
    assert "2543" in text and "2000" not in text and "ค.ศ." not in text


def test_the_footer_names_the_report_to_the_meeting_not_the_minutes():
    footer = msgstr(
        "Figures are computed from the monthly results entered by each unit. Per-district demo data is invented; "
        "its totals match the 7 June 2024 report."
    )
    assert "ผลที่รายงานต่อที่ประชุมเมื่อวันที่ 7 มิถุนายน 2567" in footer
    assert "รายงานการประชุม" not in footer


def test_the_rules_box_reads_as_thai_sentences():
    """Proportions in sentences are ร้อยละ, not %; no semicolons; the glossary's names for the forecast,
    the plan value, the band and the level target."""
    with translation.override("th"):
        html = render_to_string("dashboard/_rules.html")
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", html, flags=re.S)]
    assert len(items) == 9
    for item in items:
        assert THAI_LETTERS.search(item), item
        assert "%" not in item and ";" not in item, item
    text = " ".join(items)
    for term in ("ค่าคาดการณ์", "ค่าตามแผน", "ช่วงผลการดำเนินงาน", "แบบไม่สะสม (ใช้ค่าล่าสุด)", "ผลการดำเนินงานสะสม",
                 "เกณฑ์ช่วงบน", "ร้อยละ 100", "บรรลุเป้าหมาย", "เป็นไปตามแผน", "มีความเสี่ยง", "ล่าช้ากว่าแผน",
                 "ไม่บรรลุเป้าหมาย", "ยังไม่รายงานผล"):
        assert term in text, term
    assert not avoided_in(text) and "ปัจจุบัน" not in text


def test_zone_groups_carry_khet():
    zones = [row["fields"]["name_th"] for row in fixture_rows("reference.json") if row["model"] == "org.zone"]
    assert len(zones) == 6
    assert all(name.startswith("กลุ่มเขต") for name in zones), zones
    assert "กลุ่มเขตกรุงธนใต้" in zones and "กลุ่มเขตกรุงเทพกลาง" in zones


def test_the_demo_targets_carry_the_reports_names():
    names = {
        row["fields"]["code"]: row["fields"]["name_th"]
        for row in fixture_rows("demo_meeting_2567.json") if row["model"] == "targets.target"
    }
    assert names["ENV-WASTE-POINTS"] == "จุดทิ้งขยะกลางในหมู่บ้าน"
    assert names["ENV-WASTE-COLLECTION"] == "ร้อยละของอาคารและหลังคาเรือนในเขตที่สามารถจัดเก็บขยะได้ไม่น้อยกว่า 2 ครั้งต่อสัปดาห์"


def test_the_demo_figures_name_their_source():
    notes = {
        row["fields"]["source_note_th"]
        for row in fixture_rows("demo_meeting_2567.json") if row["model"] == "targets.target"
    }
    assert notes == {"ยอดรวมตามผลที่รายงานต่อที่ประชุมเมื่อวันที่ 7 มิถุนายน 2567 การกระจายรายเขตเป็นข้อมูลสาธิต"}
