"""Bad input on every page: a fixed corpus of hostile values in every query parameter, path segment
and form field, as an anonymous reader and as staff — never a 500, never a payload reflected
unescaped, never a download other than CSV or XLSX, never a form half saved; and downloads whose
text cells cannot run as spreadsheet formulas.

The corpus (``CORPUS``, over 1,000 values) is spread deterministically: each request of a page sets
each of the page's parameters to the next values of the corpus, so that every value reaches at
least one parameter of every page. The dashboards copy every query parameter into their links (the
date picker and filters keep the reader's place), so names they do not otherwise read (``keep0``…)
count as parameters there, and they are checked for escaping like the others. Run it on SQLite and
on PostgreSQL (``DATABASE_URL=postgres://…``): PostgreSQL refuses a NUL byte where SQLite does not.
"""
import csv
import datetime
import io
import itertools
import math
import random
import re
from urllib.parse import quote

import pytest
from django.db.models import Count
from openpyxl import load_workbook

from tests.factories import person
from tests.helpers import form_fields
from tracker.meetings.models import Action, Meeting, Review, Step
from tracker.okrs.models import Okr, Project
from tracker.org.models import District, Role
from tracker.targets.models import Allocation, ClosedMonth, Result, ResultRevision, Target

pytestmark = pytest.mark.django_db
MEETING_DAY = datetime.date(2024, 6, 7)


def build_corpus():
    """The fixed corpus: hand-picked hostile values, then systematic families, then seeded random text."""
    picked = [
        "", " ", "\x00", "a\x00b", "%00", "\t", "\r\n", "\x1b[31m", "\x7f", "\u200b", "\u200e", "\u202e", "\ufeff",
        "' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE targets_result; --", "1' UNION SELECT NULL--", "%' AND '%'='",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>",
        "javascript:alert(1)", "</textarea><script>alert(1)</script>", "</title><script>alert(1)</script>",
        "{{ 7*7 }}", "{% debug %}", "${7*7}", "#{7*7}", "%s%s%s%n", "{0}", "__proto__", "constructor",
        "../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd%00", "....//....//", "%2e%2e%2f",
        "%252e%252e%252f", "%u0000", "%ff", "%c0%af", "%", "%%", "+", "&", "&amp;", "=", "?", "#", "/", "\\",
        "0000-00-00", "9999-12-31", "2567-02-30", "2567-06-07", "7/6/2567", "2024-06-07", "2024-02-30", "2024-13-01",
        "1999-12-31", "2000-01-01", "0001-01-01", "10000-01-01", "2024-6-7", "2024/06/07", "07-06-2024",
        "๒๕๖๗-๐๖-๐๗", "๒๐๒๔", "٢٠٢٤-٠٦-٠٧", "2024-06", "2567-06", "2567-13", "2024-00", "9999-99",
        "0", "-0", "-1", "1", "2567", "2566", "2568", "2500", "2700", "2701", "2499", "1e3", "1e308", "1e309", "-1e309",
        "NaN", "nan", "Infinity", "-Infinity", "inf", "0x1f", "0b101", "1_000", "1,000", "1.5", "1.", ".5", "-.5",
        "99999999999999999999999999999999", "-99999999999999999999999999999999", str(2**63), str(-(2**63) - 1),
        "True", "true", "False", "false", "None", "null", "undefined", "on", "yes", "[]", "{}", "[1,2]", '{"a":1}',
        "csv", "xlsx", "CSV", "json", "yaml", "ods", "xls", "html", "latex", "tsv", "pdf", "csv ", "xlsx\x00",
        "ENV", "1001", "ENV-TREES", "env-trees", "ENV TREES", "ENV%20TREES", "1001/", "ENV/../OPS",
        "percent", "-percent", "code", "-code", "name", "result", "unit", "?sort=-percent", "unknown_column",
        "at_risk", "on_track", "behind", "high", "middle", "low", "draft", "verified", "completed",
        "เขตพระนคร", "สำนักสิ่งแวดล้อม", "😀", "𝕏", "Ω≈ç√", "ℌ", "ﬁ", "İ", "\u0301", "a\u0301", "\ud7ff", "\U0010ffff",
        "=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-1+1", "@SUM(1)", "=1+1", "\t=1", "\r=1",
    ]
    families = []
    families += [chr(c) for c in range(0x20)] + [f"x{chr(c)}y" for c in range(0x20)]
    families += [f"%{c:02x}" for c in range(0x100)]
    families += ["A" * n for n in (255, 256, 1000, 4096, 10_000)] + ["๑" * 10_000, "<" * 10_000, "9" * 10_000]
    families += [str(10**n) for n in range(0, 40, 3)] + [f"-{10**n}" for n in range(0, 40, 4)]
    families += [f"{m}e{e}" for m in (1, -1, 9.99) for e in (-400, -5, 5, 400)]
    families += [f"{y}-{m:02d}-{d:02d}" for y in (1, 1900, 1970, 2023, 2024, 2567, 2568, 3000, 9999) for m in (0, 1, 2, 12, 13)
                 for d in (0, 29, 31, 32)]
    families += [f"{d}/{m}/{y}" for y in (2566, 2567, 2024, 0) for m in (0, 2, 13) for d in (0, 30, 31)]
    families += [f"{y}-{m:02d}" for y in (0, 1999, 2023, 2024, 2400, 2401, 2566, 2567, 9999) for m in (0, 1, 6, 12, 13, 99)]
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    families += [s.translate(thai) for s in ("2567-06-07", "2567", "1001", "150", "-1", "1.5", "2567-06")]
    payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "../../etc/passwd"]
    wrappers = ["{0}", " {0}", "{0} ", "\x00{0}", "{0}\x00", "ENV{0}", "2024-06-07{0}", "1001{0}", "\u202e{0}", "{0}\u200b",
                "%3C{0}", "{0}%00", "{0}{0}{0}"]
    families += [w.format(p) for p, w in itertools.product(payloads, wrappers)]
    families += [quote(p) for p in payloads] + [quote(quote(p)) for p in payloads]
    rng = random.Random(11)
    alphabet = "aZ09-_./%<>\"'&;= \x00\t\n\u0e01\u0e51\u200b\u202e😀"
    families += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(200)]
    corpus = list(dict.fromkeys(picked + families))
    return corpus


CORPUS = build_corpus()
N = len(CORPUS)
# The hostile markup: none of it may come back as it was sent.
MARKUP = re.compile(r"<[a-zA-Z/!]|\"\s*>|on\w+=")


def spread(parameters):
    """Requests of ``parameters``: request i sets parameter k to CORPUS[(i·K + k) mod N], so every value
    reaches at least one parameter; ceil(N / K) requests."""
    k = len(parameters)
    for i in range(math.ceil(N / k)):
        yield {name: CORPUS[(i * k + j) % N] for j, name in enumerate(parameters)}


# The corpus is shared out so that the file runs in about two minutes: each page takes every
# SHARE-th request of its spread, starting at its own offset, so that together the pages (and the
# anonymous and staff passes) still send every value; each value reaches several pages.
SHARE = 3


def share(requests, offset):
    return itertools.islice(requests, offset % SHARE, None, SHARE)


def look(response, sent, problems, where):
    """The checks every answer passes."""
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code} for {sent!r}")
        return
    disposition = response.get("Content-Disposition", "")
    if "attachment" in disposition or not response.get("Content-Type", "").startswith(("text/html", "text/plain")):
        if response.status_code == 200 and not (
            sent.get("_export") in ("csv", "xlsx") and re.search(r"\.(csv|xlsx)\"?$", disposition)
        ) and not response.get("Content-Type", "").startswith(("application/pdf", "image/")):
            problems.append(f"{where}: a download {response.get('Content-Type')} {disposition!r} for {sent!r}")
        return
    body = response.content.decode(errors="replace")
    for name, value in sent.items():
        if isinstance(value, str) and MARKUP.search(value) and value in body:
            problems.append(f"{where}: {name}={value!r} reflected unescaped")


@pytest.fixture
def staff(db):
    return {
        "coordinator": person("fuzz-coordinator", ("SED", Role.COORDINATOR)),
        "reporter": person("fuzz-reporter", ("1001", Role.REPORTER), ("ENV", Role.REPORTER)),
        "verifier": person("fuzz-verifier", ("ENV", Role.VERIFIER)),
    }


@pytest.fixture
def fuzz_client(client):
    client.raise_request_exception = False  # a 500 is an answer to record, not an exception here
    return client


def meeting_pk():
    return Meeting.objects.get(host__code="ENV", date=MEETING_DAY).pk


KEEP = [f"keep{i}" for i in range(6)]
DASHBOARDS = {
    "/": ["as_of", "fy", "since", "status", *KEEP],
    "/bureaus/ENV/": ["as_of", "fy", "since", *KEEP],
    "/targets/ENV-TREES/": ["as_of", "fy", "since", "zone", "band", "sort", "_export", *KEEP],
    "/districts/1001/": ["as_of", "fy", "since", *KEEP],
    "/okrs/": ["as_of", "fy", "unit", "target", "fiscal_year", "is_bound", "sort", "page", "per_page", "_export"],
    "/projects/": ["as_of", "fy", "unit", "target", "status", "sort", "page", "per_page", "_export"],
}


def get_pages(pk):
    """The pages read with GET and the query parameters each one reads (as staff)."""
    return {
        **DASHBOARDS,
        "/meetings/": ["bureau"],
        f"/meetings/{pk}/brief/": ["format"],
        "/report/months/": ["fy"],
        "/report/1001/2024-06/": ["unit", "month"],
        "/compliance/2024-06/": ["bureau", "zone", "_export", *KEEP],
        "/compliance/": ["bureau", "zone"],
    }


# Pages that read no query parameter: the corpus reaches them through their path segments below.
PLAIN_PAGES = ["/meetings/{pk}/", "/meetings/{pk}/present/", "/verify/", "/verify/ENV-TREES/2024-06/",
               "/allocations/ENV-TREES/", "/import/", "/okrs/unit/ENV/", "/report/"]


def path_routes(pk):
    """Every route with segments: (template, {segment: a valid value})."""
    return [
        ("/bureaus/{code}/", {"code": "ENV"}),
        ("/targets/{code}/", {"code": "ENV-TREES"}),
        ("/districts/{code}/", {"code": "1001"}),
        ("/meetings/{pk}/", {"pk": pk}),
        ("/meetings/{pk}/brief/", {"pk": pk}),
        ("/meetings/{pk}/present/", {"pk": pk}),
        ("/meetings/{pk}/edit/", {"pk": pk}),
        ("/meetings/{pk}/targets/{code}/", {"pk": pk, "code": "ENV-TREES"}),
        ("/meetings/{pk}/actions/{n}/", {"pk": pk, "n": 1}),
        ("/report/{unit}/{month}/", {"unit": "1001", "month": "2024-06"}),
        ("/verify/{code}/{month}/", {"code": "ENV-TREES", "month": "2024-06"}),
        ("/allocations/{code}/", {"code": "ENV-TREES"}),
        ("/compliance/{month}/", {"month": "2024-06"}),
        ("/okrs/unit/{unit}/", {"unit": "ENV"}),
        ("/okrs/unit/{unit}/okr/{code}/", {"unit": "ENV", "code": "ENV-OKR-01"}),
        ("/okrs/unit/{unit}/project/{code}/", {"unit": "ENV", "code": Project.objects.filter(unit__code="ENV").order_by(
            "code").values_list("code", flat=True).first()}),
    ]


def test_every_query_parameter_of_every_page_takes_the_corpus(fuzz_client, staff):
    assert N >= 1000
    pk = meeting_pk()
    problems = []
    for n, (path, parameters) in enumerate(DASHBOARDS.items()):  # anonymous readers
        for sent in share(spread(parameters), n):
            look(fuzz_client.get(path, sent), sent, problems, f"anonymous GET {path}")
    fuzz_client.force_login(staff["coordinator"])
    for n, (path, parameters) in enumerate(get_pages(pk).items()):
        if path in DASHBOARDS:  # as staff, a sample: the links to staff pages differ, not the figures
            requests = itertools.islice(spread(parameters), n % 10, None, 10)
        else:
            requests = share(spread(parameters), n)
        for sent in requests:
            look(fuzz_client.get(path, sent), sent, problems, f"coordinator GET {path}")
    assert not problems, "\n".join(problems[:50]) + f"\n… {len(problems)} in all"


def test_every_path_segment_takes_the_corpus(fuzz_client, staff):
    pk = meeting_pk()
    problems = []
    fuzz_client.force_login(staff["coordinator"])
    for n, (template, valid) in enumerate(path_routes(pk)):
        names = list(valid)
        for i, value in share(enumerate(CORPUS), n):
            segment = names[i % len(names)]
            url = template.format(**{**valid, segment: quote(value, safe="")})
            response = fuzz_client.get(url)
            look(response, {segment: value}, problems, f"GET {url[:80]}")
    # Pages without query parameters, with the corpus in names they ignore (and must not echo unescaped).
    for template in PLAIN_PAGES:
        for sent in itertools.islice(spread(KEEP), 0, None, 5):
            look(fuzz_client.get(template.format(pk=pk), sent), sent, problems, f"GET {template}")
    fuzz_client.logout()
    for sent in spread(["next"]):  # where an anonymous reader of a staff page is sent
        look(fuzz_client.get("/accounts/login/", sent), sent, problems, "GET /accounts/login/")
    assert not problems, "\n".join(problems[:50]) + f"\n… {len(problems)} in all"


def fingerprint():
    """Counts that any write changes: results and their revisions, and every history table."""
    counts = [Result.objects.count(), ResultRevision.objects.count(), Allocation.history.count(),
              ClosedMonth.history.count(), Okr.history.count(), Project.history.count(), Meeting.history.count(),
              Review.history.count(), Step.history.count(), Action.history.count(), Target.history.count()]
    counts.append(tuple(Result.objects.values_list("state").annotate(n=Count("pk")).order_by("state")))
    return counts


def forms(pk):
    """(who, URL, the fields the page's form posts) of every staff and meeting form."""
    project = Project.objects.filter(unit__code="ENV").order_by("code").first()
    return [
        ("reporter", "/report/1001/2024-06/"),
        ("verifier", "/verify/ENV-TREES/2024-06/"),
        ("verifier", "/allocations/ENV-WASTE-POINTS/"),
        ("coordinator", f"/meetings/{pk}/edit/"),
        ("coordinator", f"/meetings/{pk}/targets/ENV-TREES/"),
        ("coordinator", f"/meetings/{pk}/actions/new/"),
        ("coordinator", f"/meetings/{pk}/actions/1/"),
        ("coordinator", "/meetings/new/"),
        ("reporter", "/okrs/unit/ENV/new/"),
        ("reporter", "/okrs/unit/ENV/okr/ENV-OKR-01/"),
        ("reporter", f"/okrs/unit/ENV/project/{project.code}/"),
    ]


@pytest.mark.usefixtures("reopened_months")
def test_every_form_field_takes_the_corpus_and_saves_all_or_nothing(fuzz_client, staff, clock):
    clock(2024, 6, 20, 9)
    pk = meeting_pk()
    problems = []
    for who, url in forms(pk):
        fuzz_client.force_login(staff[who])
        page = fuzz_client.get(url)
        assert page.status_code == 200, f"{who} {url}: {page.status_code}"
        fields = form_fields(page.content.decode())
        names = [n for n in fields if n not in ("csrfmiddlewaretoken",) and not n.endswith(("TOTAL_FORMS", "INITIAL_FORMS",
                                                                                              "MIN_NUM_FORMS", "MAX_NUM_FORMS"))]
        names.append("action")
        for sent in itertools.islice(spread(names), 0, None, max(1, len(names) // 10) if len(names) > 40 else 1):
            before = fingerprint()
            response = fuzz_client.post(url, {**fields, **sent})
            look(response, sent, problems, f"{who} POST {url}")
            if response.status_code != 302 and fingerprint() != before:
                problems.append(f"{who} POST {url}: refused ({response.status_code}) but something was saved, {sent!r}")
    fuzz_client.force_login(staff["coordinator"])
    for sent in spread(["action"]):
        before = fingerprint()
        response = fuzz_client.post("/report/months/2024-06/", sent)
        look(response, sent, problems, "POST /report/months/2024-06/")
        if sent["action"] not in ("close", "reopen") and fingerprint() != before:
            problems.append(f"POST /report/months/: {sent!r} changed something")
    fuzz_client.force_login(staff["reporter"])
    for i in range(0, N, 12):  # a CSV of four corpus values a row (a third of the corpus), checked (never confirmed with errors)
        rows = [CORPUS[(i + j) % N] for j in range(4)]
        data = "target_code,district_code,month,value,note\n" + ",".join(f'"{v}"' for v in ["ENV-TREES", *rows[:3]]) + \
               f',"{rows[3]}"\n'
        upload = io.BytesIO(data.encode("utf-8", errors="surrogatepass"))
        upload.name = "results.csv"
        before = fingerprint()
        response = fuzz_client.post("/import/", {"file": upload, "action": "check"})
        look(response, {"row": ",".join(rows)}, problems, "POST /import/")
        if fingerprint() != before:
            problems.append(f"POST /import/ check saved something: {rows!r}")
    assert not problems, "\n".join(problems[:50]) + f"\n… {len(problems)} in all"


# Downloads -----------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","click")'


def cells(response):
    """Every cell of a CSV or XLSX download, as the spreadsheet reads it."""
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("url", ["/okrs/?unit=ENV", "/projects/?unit=ENV", "/targets/ENV-TREES/"])
def test_text_a_spreadsheet_would_run_is_made_inert(client, url, export):
    Project.objects.filter(unit__code="ENV").update(name_th=FORMULA, name_en=FORMULA)
    Okr.objects.filter(unit__code="ENV").update(name_th="+" + FORMULA, name_en="-1+" + FORMULA)
    District.objects.filter(code="1001").update(name_th="@SUM(A1)", name_en="=1+1")
    Target.objects.filter(code="ENV-TREES").update(name_th="-2+3", name_en="@x")
    response = client.get(f"{url}{'&' if '?' in url else '?'}_export={export}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    texts = [c for c in cells(response) if isinstance(c, str)]
    assert any("HYPERLINK" in c or c in ("'@SUM(A1)",) for c in texts), texts[:20]
    assert not [c for c in texts if c[:1] in ("=", "+", "-", "@", "\t", "\r")], texts[:20]


@pytest.mark.parametrize("export", ["json", "yaml", "ods", "xls", "html", "latex", "tsv", "CSV", "csv\x00", ""])
@pytest.mark.parametrize("url", ["/okrs/", "/projects/", "/targets/ENV-TREES/", "/compliance/2024-06/"])
def test_only_csv_and_xlsx_are_served(fuzz_client, staff, url, export):
    fuzz_client.force_login(staff["coordinator"])
    response = fuzz_client.get(url, {"_export": export})
    assert response.status_code in (200, 400, 404)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("bureau", ["\x00", "ENV\x00", "a\x00b"])
def test_a_nul_byte_in_the_meeting_list_filter_is_not_an_error(fuzz_client, bureau):
    assert fuzz_client.get("/meetings/", {"bureau": bureau}).status_code in (200, 400, 404)
