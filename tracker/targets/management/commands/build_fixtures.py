"""Write ``fixtures/reference.json`` and ``fixtures/demo_meeting_2567.json``.

The reference fixture is read from the shared reference tables (districts, zones, bureaus,
policy dimensions). The demo fixture holds the Environment Department's targets as reported to
the 7 June 2024 follow-up meeting. The report gives city totals and band counts only; the
per-district split is drawn here with a fixed seed and then fitted so that every total and
band count of the report comes out exactly. The command checks that before it writes.
"""
import csv
import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Short codes for the bureaus of bureaus.tsv, in its order (Thai name → code).
BUREAU_CODES = {
    "สำนักการแพทย์": "MED",
    "สำนักอนามัย": "HEALTH",
    "สำนักการศึกษา": "EDU",
    "สำนักการโยธา": "PWD",
    "สำนักการระบายน้ำ": "DDS",
    "สำนักการคลัง": "FIN",
    "สำนักเทศกิจ": "CLE",
    "สำนักการจราจรและขนส่ง": "TTD",
    "สำนักการวางผังและพัฒนาเมือง": "CPUD",
    "สำนักป้องกันและบรรเทาสาธารณภัย": "FIRE",
    "สำนักงบประมาณกรุงเทพมหานคร": "BUDGET",
    "สำนักยุทธศาสตร์และประเมินผล": "SED",
    "สำนักสิ่งแวดล้อม": "ENV",
    "สำนักวัฒนธรรม กีฬาและการท่องเที่ยว": "CST",
    "สำนักพัฒนาสังคม": "SDD",
    "สำนักปลัดกรุงเทพมหานคร": "OPS",
    "สำนักงานเลขานุการผู้ว่าราชการกรุงเทพมหานคร": "OSG",
    "สำนักงานเลขานุการสภากรุงเทพมหานคร": "COUNCIL",
    "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร": "CSC",
    "สำนักงานกฎหมายและคดี": "LAW",
    "สำนักงานการต่างประเทศ": "INTL",
}

FISCAL_YEAR = 2567
START, DEADLINE = datetime.date(2023, 10, 1), datetime.date(2024, 9, 30)
# Months reported to the meeting: October 2023 – May 2024.
MONTHS = [datetime.date(2023 + (m >= 1 and m < 10), m, 1) for m in (10, 11, 12, 1, 2, 3, 4, 5)]
MEETING = datetime.date(2024, 6, 7)
SEED = 2567

# "ผลที่รายงานต่อที่ประชุม", not "รายงานการประชุม" (the official minutes); no semicolon in Thai.
DEMO_NOTE_TH = "ยอดรวมตามผลที่รายงานต่อที่ประชุมเมื่อวันที่ 7 มิถุนายน 2567 การกระจายรายเขตเป็นข้อมูลสาธิต"
DEMO_NOTE_EN = "Totals as reported to the 7 June 2024 meeting; the per-district split is invented demo data"

# Problems and obstacles noted by the districts furthest behind (invented, and marked so).
DEMO_NOTES = {
    "ENV-TREES": [
        "พื้นที่ปลูกในเขตมีจำกัด อยู่ระหว่างขอใช้พื้นที่ของหน่วยงานอื่น (ข้อมูลสาธิต)",
        "กล้าไม้ส่งมอบล่าช้า (ข้อมูลสาธิต)",
        "ฝนทิ้งช่วง ต้องเลื่อนการปลูก (ข้อมูลสาธิต)",
    ],
    "ENV-PARKS": [
        "อยู่ระหว่างขอใช้ที่ดินจากเจ้าของที่ดิน (ข้อมูลสาธิต)",
        "รองบประมาณปรับปรุงพื้นที่ (ข้อมูลสาธิต)",
        "ผู้รับจ้างส่งมอบงานล่าช้า (ข้อมูลสาธิต)",
    ],
    "ENV-WASTE-COLLECTION": [
        "รถเก็บขนมูลฝอยไม่เพียงพอ (ข้อมูลสาธิต)",
        "ซอยแคบ รถเก็บขนเข้าไม่ได้ (ข้อมูลสาธิต)",
        "อยู่ระหว่างปรับเส้นทางเก็บขน (ข้อมูลสาธิต)",
    ],
    "ENV-WASTE-SEPARATION": [
        "ชุมชนยังไม่คัดแยกมูลฝอย อยู่ระหว่างประชาสัมพันธ์ (ข้อมูลสาธิต)",
        "ขาดจุดรับมูลฝอยรีไซเคิล (ข้อมูลสาธิต)",
        "ผู้ประกอบการยังไม่เข้าร่วมโครงการ (ข้อมูลสาธิต)",
    ],
}

# The report (news report of the BMA follow-up meeting of 7 June 2024, Environment Department).
REPORT = {
    "trees": {"target": 200_000, "result": 218_910},
    "perennial": {"target": 157_567, "result": 45_719},
    "parks": {"target": 156, "result": 89},
    "collection": {"high": 31, "middle": 7, "low": 12},
    "separation": {"target": 73_200, "result": 49_574, "high": 5, "middle": 41, "low": 4},
    "points": {"target": 2_473},
    "okrs": 26,
    "projects": 97,
    "completed": 5,
}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def split(total, weights):
    """Integers proportional to ``weights`` that add up to ``total`` exactly (largest remainder)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


class Command(BaseCommand):
    help = "Write the reference and demo fixtures (reference.json, demo_meeting_2567.json) into fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", default=str(Path(settings.BASE_DIR).parent / "shared" / "data"),
            help="Folder with districts.tsv, zones.tsv, bureaus.tsv and policy_dimensions.tsv.",
        )
        parser.add_argument("--out-dir", default=str(settings.FIXTURE_DIRS[0]))

    def handle(self, *args, data_dir, out_dir, **options):
        data, out = Path(data_dir), Path(out_dir)
        if not (data / "districts.tsv").exists():
            raise CommandError(f"No districts.tsv in {data}")
        reference = self.reference(data)
        districts = [obj["fields"]["code"] for obj in reference if obj["model"] == "org.unit" and obj["fields"]["kind"] == "district"]
        demo = Demo(districts).build()
        for name, objects in (("reference.json", reference), ("demo_meeting_2567.json", demo)):
            path = out / name
            lines = ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects)
            path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
            self.stdout.write(f"wrote {len(objects)} objects to {path}")

    def reference(self, data):
        objects = []
        for number, row in enumerate(read_tsv(data / "policy_dimensions.tsv"), start=1):
            objects.append({"model": "org.policydimension", "fields": {"number": number, "name_th": row["name_th"], "name_en": row["name_en"]}})
        for row in read_tsv(data / "zones.tsv"):
            # BMA's official names carry เขต (กลุ่มเขตกรุงธนใต้); zones.tsv writes กลุ่มกรุงธนใต้.
            name_th = row["name_th"] if row["name_th"].startswith("กลุ่มเขต") else row["name_th"].replace("กลุ่ม", "กลุ่มเขต", 1)
            objects.append({"model": "org.zone", "fields": {"number": int(row["zone"]), "name_th": name_th, "name_en": row["name_en"]}})
        for row in read_tsv(data / "districts.tsv"):
            objects.append({"model": "org.unit", "fields": {
                "code": row["code"], "kind": "district", "name_th": row["name_th"].replace("ราษฏร์", "ราษฎร์"),
                "name_en": row["name_en"], "abbrev_th": "", "english_name_verified": True, "zone": [int(row["zone"])],
            }})
        for row in read_tsv(data / "bureaus.tsv"):
            code = BUREAU_CODES.get(row["name_th"])
            if code is None:
                raise CommandError(f"No short code for bureau {row['name_th']}; add it to BUREAU_CODES")
            objects.append({"model": "org.unit", "fields": {
                "code": code, "kind": row["kind"], "name_th": row["name_th"], "name_en": row["name_en"],
                "abbrev_th": row["abbrev_th"], "english_name_verified": row["english_name_verified"] == "yes", "zone": None,
            }})
        return objects


class Demo:
    """The Environment Department's FY 2567 targets with an invented per-district split."""

    def __init__(self, districts):
        self.districts = districts
        self.rng = random.Random(SEED)
        self.objects = []

    def build(self):
        # Its targets, allocations, OKRs and projects start their history with FY 2567.
        self.add("targets.heldfrom", {"fixture": "demo_meeting_2567", "day": "2023-10-01"})
        self.policies()
        self.trees()
        self.parks()
        self.collection()
        self.separation()
        self.points()
        self.okrs()
        self.closed_months()
        self.meeting()
        return self.objects

    def add(self, model, fields):
        # No primary keys: every row is found again by its natural key when the fixture is reloaded.
        self.objects.append({"model": model, "fields": fields})

    def policies(self):
        for code, th, en in (
            ("ENV-GREEN", "กรุงเทพฯ เมืองสีเขียว: ต้นไม้ล้านต้นและสวน 15 นาที", "Green Bangkok: a million trees and 15-minute parks"),
            ("ENV-WASTE", "จัดการขยะตั้งแต่ต้นทาง", "Waste managed from the source"),
        ):
            self.add("targets.policy", {"code": code, "name_th": th, "name_en": en, "dimension": [5]})

    def target(self, code, th, en, policy, unit, value, order, measure="cumulative", parent=None, low=50, high=100, decimals=0):
        self.add("targets.target", {
            "code": code, "name_th": th, "name_en": en, "policy": [policy], "host": ["ENV"],
            "parent": [parent] if parent else None, "unit_of_measure": unit, "decimals": decimals, "measure": measure,
            "target_value": str(value), "fiscal_year": FISCAL_YEAR, "start_date": START.isoformat(),
            "deadline": DEADLINE.isoformat(), "band_high": str(high), "band_low": str(low),
            "districts_carry": True, "sort_order": order, "source_note_th": DEMO_NOTE_TH, "source_note_en": DEMO_NOTE_EN,
        })

    def allocations(self, code, values):
        for district, value in zip(self.districts, values):
            self.add("targets.allocation", {"target": [code], "unit": [district], "value": str(value)})

    def results(self, code, monthly, is_percentage=False, goals=None):
        """``monthly``: per district, a list of 8 monthly values (None = not reported that month).

        With ``goals`` (each district's allocation), the districts furthest behind get a demo note on
        their last report (``DEMO_NOTES``): what a follow-up meeting reads as problems and obstacles.
        """
        notes = self.lagging_notes(code, monthly, is_percentage, goals)
        for district, values in zip(self.districts, monthly):
            last = max((i for i, v in enumerate(values) if v is not None), default=None)
            for index, (month, value) in enumerate(zip(MONTHS, values)):
                if value is None:
                    continue
                entered = self.entered_at(month)
                note = notes.get(district, "") if index == last else ""
                self.add("targets.result", {
                    "target": [code], "unit": [district], "period": month.isoformat(), "value": str(value),
                    "is_percentage": is_percentage, "note": note, "state": "verified", "entered_by": None,
                    "entered_at": entered, "updated_at": entered, "verified_by": None, "verified_at": entered,
                })
                self.add("targets.resultrevision", {
                    "result": [code, district, month.isoformat()], "value": str(value), "note": note,
                    "state": "verified", "changed_by": None, "changed_at": entered,
                })

    def lagging_notes(self, code, monthly, is_percentage, goals):
        """{district: note} for the districts with the lowest share of their allocation (no randomness)."""
        if code not in DEMO_NOTES or goals is None:
            return {}
        shares = []
        for district, values, goal in zip(self.districts, monthly, goals):
            reported = [v for v in values if v is not None]
            if reported and goal:
                done = reported[-1] if is_percentage else sum(reported)
                shares.append((done / goal, district))
        shares.sort()
        return {district: note for (_share, district), note in zip(shares, DEMO_NOTES[code])}

    def entered_at(self, month):
        # Reported in the first week of the following month, 09:00–16:59 Bangkok time.
        following = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
        day = following.replace(day=self.rng.randint(1, 5))
        return f"{day.isoformat()}T{self.rng.randint(9, 16):02d}:{self.rng.randint(0, 59):02d}:00+07:00"

    def meeting(self):
        """The 7 June 2024 follow-up meeting of the Environment Department, as the report describes it.

        Its reviews carry no figures: they are computed as of the meeting day when the fixture is
        loaded (tracker.meetings.recording.figures_for_loaded_review), like those of any meeting.
        """
        self.add("meetings.meeting", {
            "host": ["ENV"], "date": MEETING.isoformat(), "number": "",
            "chair_th": "ประธานที่ปรึกษาผู้ว่าราชการกรุงเทพมหานคร",
            "chair_en": "Chief Adviser to the Governor of Bangkok",
            "place_th": "ห้องประชุม ชั้น 15 อาคารธานีนพรัตน์ ศาลาว่าการกรุงเทพมหานคร (ดินแดง)",
            "place_en": "15th-floor meeting room, Thaninopparat Building, Bangkok City Hall (Din Daeng)",
            "attendees_th": "\n".join([
                "ที่ปรึกษาผู้ว่าราชการกรุงเทพมหานคร (ประธาน)", "รองปลัดกรุงเทพมหานคร",
                "ผู้อำนวยการสำนักสิ่งแวดล้อมและผู้บริหารสำนักสิ่งแวดล้อม", "ประธานกลุ่มเขตทั้ง 6 กลุ่มเขต",
            ]),
            "attendees_en": "\n".join([
                "Chief Adviser to the Governor (chair)", "Deputy Permanent Secretary of the BMA",
                "Director of the Environment Department and its executives", "The chairs of the six zone groups",
            ]),
            "notes": "",
        })
        for order, code in enumerate(["ENV-TREES", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS"]):
            self.add("meetings.review", {
                "meeting": ["ENV", MEETING.isoformat()], "target": [code], "sort_order": order, "figures": {},
                "problems": "", "approaches": "",
            })
        self.add("meetings.action", {
            "meeting": ["ENV", MEETING.isoformat()], "number": 1, "target": ["ENV-WASTE-POINTS"],
            "description": (
                "สำนักงานเขตผูก OKR และบันทึกค่าเป้าหมายรายเขตของจุดทิ้งขยะกลางในหมู่บ้าน "
                "โดยสำนักยุทธศาสตร์และประเมินผลมีหนังสือแจ้งสำนักงานเขต (กำหนดแล้วเสร็จเป็นข้อมูลสาธิต)"
            ),
            "responsible": ["SED"], "due_on": "2024-06-30", "state": "open", "closed_on": None, "outcome": "",
        })

    def closed_months(self):
        # The months reported to the meeting were verified and closed mid-following month; June to
        # September 2024 stay open, so a demo reporter can still report them.
        for month in MONTHS:
            following = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
            self.add("targets.closedmonth", {
                "period": month.isoformat(), "closed_by": None, "closed_at": f"{following.replace(day=15).isoformat()}T17:00:00+07:00",
            })

    def weights(self, low=0.5, high=1.5):
        return [self.rng.uniform(low, high) for _ in self.districts]

    def spread(self, total, weights=None, zero_share=0.0):
        """Split a district's total over the 8 months, rising a little towards the meeting."""
        weights = weights or [self.rng.uniform(0.6, 1.4) * (1 + i / 10) for i in range(len(MONTHS))]
        weights = [0 if self.rng.random() < zero_share else w for w in weights] if total else weights
        if not any(weights):
            weights[-1] = 1
        return split(total, weights)

    def trees(self):
        self.target("ENV-TREES", "ปลูกต้นไม้", "Trees planted", "ENV-GREEN", "trees", REPORT["trees"]["target"], 1)
        self.target("ENV-TREES-PERENNIAL", "ไม้ยืนต้น", "of which perennial trees", "ENV-GREEN", "trees",
                    REPORT["perennial"]["target"], 2, parent="ENV-TREES")
        for code, key in (("ENV-TREES", "trees"), ("ENV-TREES-PERENNIAL", "perennial")):
            alloc_weights = self.weights()
            allocation = split(REPORT[key]["target"], alloc_weights)
            self.allocations(code, allocation)
            result_weights = [w * self.rng.uniform(0.6, 1.6) for w in alloc_weights]
            totals = split(REPORT[key]["result"], result_weights)
            self.results(code, [self.spread(t) for t in totals], goals=allocation)

    def parks(self):
        self.target("ENV-PARKS", "สวน 15 นาที", "15-minute parks", "ENV-GREEN", "parks", REPORT["parks"]["target"], 3)
        allocation = split(REPORT["parks"]["target"], self.weights(0.3, 1.7))
        # Each district opens at most its allocation.
        while True:
            opened = split(REPORT["parks"]["result"], [a * self.rng.uniform(0.2, 1.0) for a in allocation])
            if all(o <= a for o, a in zip(opened, allocation)):
                break
        self.allocations("ENV-PARKS", allocation)
        self.results("ENV-PARKS", [self.spread(o, zero_share=0.5) for o in opened], goals=allocation)

    def collection(self):
        self.target("ENV-WASTE-COLLECTION", "ร้อยละของอาคารและหลังคาเรือนในเขตที่สามารถจัดเก็บขยะได้ไม่น้อยกว่า 2 ครั้งต่อสัปดาห์",
                    "Buildings and households whose waste is collected at least twice a week", "ENV-WASTE", "percent",
                    100, 4, measure="level", low=50, high=100, decimals=2)
        self.allocations("ENV-WASTE-COLLECTION", [100] * len(self.districts))
        counts = REPORT["collection"]
        finals = [Decimal(100)] * counts["high"]
        finals += [Decimal(self.rng.randint(5000, 9950)) / 100 for _ in range(counts["middle"])]
        finals += [Decimal(self.rng.randint(1500, 4950)) / 100 for _ in range(counts["low"])]
        self.rng.shuffle(finals)
        monthly = []
        for final in finals:
            start = final * Decimal(self.rng.uniform(0.55, 0.9))
            steps = [start + (final - start) * i / (len(MONTHS) - 1) for i in range(len(MONTHS))]
            monthly.append([min(Decimal(100), s).quantize(Decimal("0.01")) for s in steps[:-1]] + [final])
        self.results("ENV-WASTE-COLLECTION", monthly, is_percentage=True, goals=[100] * len(self.districts))

    def separation(self):
        report = REPORT["separation"]
        self.target("ENV-WASTE-SEPARATION", "ปริมาณมูลฝอยที่คัดแยกจากต้นทาง", "Waste separated at source", "ENV-WASTE",
                    "tonnes", report["target"], 5, low=25, high=100)
        allocation = split(report["target"], self.weights())
        bands = ["high"] * report["high"] + ["middle"] * report["middle"] + ["low"] * report["low"]
        self.rng.shuffle(bands)
        share = {"high": (1.0, 1.2), "low": (0.08, 0.22)}
        totals = [round(a * self.rng.uniform(*share[b])) + (b == "high") if b != "middle" else None for a, b in zip(allocation, bands)]
        # The middle band takes what is left of the reported total, in proportion to allocations.
        middle = [i for i, b in enumerate(bands) if b == "middle"]
        rest = report["result"] - sum(t for t in totals if t is not None)
        for i, value in zip(middle, split(rest, [allocation[i] * self.rng.uniform(0.6, 1.4) for i in middle])):
            totals[i] = value
        for total, alloc, band in zip(totals, allocation, bands):
            pct = total * 100 / alloc
            ok = {"high": pct >= 100, "middle": 25 <= pct < 100, "low": pct < 25}[band]
            if not ok:
                raise CommandError(f"separation split left a district out of its band ({band}, {pct:.1f}%); change SEED")
        self.allocations("ENV-WASTE-SEPARATION", allocation)
        self.results("ENV-WASTE-SEPARATION", [self.spread(t) for t in totals], goals=allocation)

    def points(self):
        self.target("ENV-WASTE-POINTS", "จุดทิ้งขยะกลางในหมู่บ้าน", "Central waste points in villages", "ENV-WASTE",
                    "points", REPORT["points"]["target"], 6)
        self.allocations("ENV-WASTE-POINTS", split(REPORT["points"]["target"], self.weights(0.2, 1.8)))

    def okrs(self):
        targets = ["ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS"]
        okr_codes = []
        for n in range(1, REPORT["okrs"] + 1):
            code = f"ENV-OKR-{n:02d}"
            target = targets[(n - 1) % len(targets)]
            okr_codes.append(code)
            self.add("okrs.okr", {
                "code": code, "unit": ["ENV"], "target": [target], "fiscal_year": FISCAL_YEAR,
                "name_th": f"OKR {n} (ข้อมูลสาธิต) ขับเคลื่อนเป้าหมาย {target}",
                "name_en": f"OKR {n} (demo data) driving target {target}",
            })
        statuses = ["completed"] * REPORT["completed"] + ["in_progress"] * (REPORT["projects"] - REPORT["completed"])
        self.rng.shuffle(statuses)
        for n, status in enumerate(statuses, start=1):
            # Every OKR gets at least one project; the rest are shared out at random.
            okrs = [okr_codes[(n - 1) % len(okr_codes)]]
            if self.rng.random() < 0.2:
                okrs.append(self.rng.choice(okr_codes))
            reported = MEETING - datetime.timedelta(days=self.rng.randint(2, 20))
            self.add("okrs.project", {
                "code": f"ENV-PRJ-{n:03d}", "unit": ["ENV"], "okrs": [[c] for c in dict.fromkeys(okrs)],
                "name_th": f"โครงการ/กิจกรรมที่ {n} (ข้อมูลสาธิต)", "name_en": f"Project / activity {n} (demo data)",
                "status": status, "last_reported_on": reported.isoformat(),
            })
