"""Verification by the host bureau, and the history of results on the target and district pages."""
import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import person
from tests.helpers import form_fields, page_html, text_of
from tracker.org.models import District, Role, Unit
from tracker.reporting.grid import stamp
from tracker.targets.models import Result, ResultRevision, Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2024, 6, 1)
URL = "/verify/ENV-TREES/2024-06/"


@pytest.fixture
def trees():
    return Target.objects.get(code="ENV-TREES")


def submit(people, code, value, target="ENV-TREES", state="submitted", note=""):
    """District ``code``'s reporter records June 2024 (reporters of other districts are made as needed)."""
    username = f"reporter-{code}"  # people["reporter"] for 1001, people["other_reporter"] for 1002
    reporter = get_user_model().objects.filter(username=username).first() or person(username, (code, Role.REPORTER))
    return record_result(
        target=Target.objects.get(code=target), unit=Unit.objects.get(code=code), period=JUNE, value=value,
        state=state, note=note, by=reporter,
    )


def june(code, target="ENV-TREES"):
    return Result.objects.get(target__code=target, unit__code=code, period=JUNE)


def as_opened(client, url=URL):
    """The verify form as a browser would post it untouched: hidden stamps and the checked choices."""
    return as_shown(client.get(url).content.decode())


def as_shown(html):
    data = {key: value for key, value in form_fields(html).items() if not key.startswith("action-")}
    for name, value in re.findall(r'<input type="radio" name="([^"]+)" value="([^"]+)" checked>', html):
        data[name] = value
    return data


@pytest.fixture
def verifier(client, people):
    client.force_login(people["host_verifier"])
    return client


@pytest.fixture
def three_submitted(people):
    """1001, 1002 and 1003 submit June's trees; 1004 keeps a draft."""
    submit(people, "1001", 1200, note="rain delayed planting")
    submit(people, "1002", 800)
    submit(people, "1003", 300)
    submit(people, "1004", 4444, state="draft")


def shown_text(client, url=URL):
    """The page's visible text in English, once it has answered 200."""
    return text_of(page_html(client, url, HTTP_ACCEPT_LANGUAGE="en"))


def row_text(html, code):
    return text_of(re.search(rf'<tr data-unit="{code}".*?</tr>', html, re.S).group(0))


def row_cells(html, code):
    """The text of each cell of district ``code``'s row: name, allocation, value, note, state, history[, decision]."""
    row = re.search(rf'<tr data-unit="{code}".*?</tr>', html, re.S).group(0)
    return [text_of(cell) for cell in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]


# The page.

def test_the_page_lists_every_district_with_its_value_note_state_and_author(verifier, three_submitted):
    html = page_html(verifier, URL, HTTP_ACCEPT_LANGUAGE="en")
    assert len(re.findall(r'<tr data-unit="\d{4}"', html)) == 50  # every district with an allocation
    name, allocation, value, note, state, *_rest = row_cells(html, "1001")
    assert (name, allocation, value, note) == ("Phra Nakhon 1001", "5,235", "1,200", "rain delayed planting")
    assert re.fullmatch(r"Submitted, awaiting verification Last changed by reporter-1001, .+", state)


def test_a_draft_is_shown_as_not_reported(verifier, three_submitted):
    html = page_html(verifier, URL, HTTP_ACCEPT_LANGUAGE="en")
    draft = row_text(html, "1004")
    assert "Not reported yet" in draft and "4,444" not in draft
    assert "4,444" not in html
    assert 'name="action-1004"' not in html


# Verifying and returning.

def test_a_verifier_verifies_one_result(verifier, people, three_submitted):
    response = verifier.post(URL, {**as_opened(verifier), "action-1001": "verify", "action": "save"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == URL
    result = june("1001")
    assert result.state == Result.State.VERIFIED and result.verified_by == people["host_verifier"]
    assert result.value == 1200 and result.note == "rain delayed planting"
    assert [june(code).state for code in ("1002", "1003")] == ["submitted", "submitted"]
    assert "1 result verified." in shown_text(verifier)


def test_verify_all_verifies_every_submitted_result_and_honours_returns(verifier, three_submitted):
    data = {**as_opened(verifier), "action-1003": "return", "reason-1003": "Below May's; check", "action": "verify_all"}
    response = verifier.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    states = [june(code).state for code in ("1001", "1002", "1003", "1004")]
    assert states == ["verified", "verified", "returned", "draft"]
    assert "2 results verified. 1 result returned for correction." in shown_text(verifier)


def test_a_return_keeps_the_reason_in_the_reporters_result_history(verifier, people, three_submitted):
    reason = "The photos show 80 trees, not 800."
    verifier.post(URL, {**as_opened(verifier), "action-1002": "return", "reason-1002": reason})
    result = june("1002")
    assert result.state == Result.State.RETURNED and result.value == 800
    revision = result.revisions.order_by("-changed_at", "-pk").first()
    assert (revision.state, revision.comment, revision.changed_by) == ("returned", reason, people["host_verifier"])
    html = page_html(verifier, URL, HTTP_ACCEPT_LANGUAGE="en")
    assert "The photos show 80 trees, not 800." in row_text(html, "1002")


def test_a_return_without_a_reason_is_refused_and_nothing_is_saved(verifier, three_submitted):
    before = ResultRevision.objects.count()
    data = {**as_opened(verifier), "action-1001": "verify", "action-1002": "return", "reason-1002": "  "}
    response = verifier.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason for returning" in row_text(html, "1002")
    assert "Give the reason" not in row_text(html, "1001")
    assert 'name="action-1001" value="verify" checked' in html  # the other choice is kept
    assert "Nothing was saved" in text_of(html)
    assert [june(code).state for code in ("1001", "1002")] == ["submitted", "submitted"]
    assert ResultRevision.objects.count() == before


def test_a_result_changed_after_the_page_was_opened_is_refused_with_both_values(verifier, people, three_submitted):
    data = {**as_opened(verifier), "action-1001": "verify", "action-1002": "verify"}
    submit(people, "1002", 850)  # the reporter corrects it meanwhile
    response = verifier.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    row = row_text(response.content.decode(), "1002")
    assert "changed this result after you opened the page" in row
    assert "When you opened the page: 800 (Submitted, awaiting verification)." in row
    assert "Now: 850 (Submitted, awaiting verification)." in row
    assert [june(code).state for code in ("1001", "1002")] == ["submitted", "submitted"]  # the other row neither
    assert 'name="action-1001" value="verify" checked' in response.content.decode()  # the choices are kept
    again = verifier.post(URL, as_shown(response.content.decode()))
    assert again.status_code == 302 and june("1002").state == "verified" and june("1002").value == 850


def test_a_result_taken_back_to_draft_after_the_page_was_opened_is_refused(verifier, people, three_submitted):
    data = {**as_opened(verifier), "action-1002": "verify"}
    submit(people, "1002", 810, state="draft")  # the reporter takes it back to correct it
    response = verifier.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    row = row_text(response.content.decode(), "1002")
    assert "When you opened the page: 800 (Submitted, awaiting verification)." in row and "Now: not reported." in row
    assert "810" not in row and june("1002").state == "draft"


def test_verify_all_does_not_verify_a_result_submitted_after_the_page_was_opened(verifier, people, three_submitted):
    data = {**as_opened(verifier), "action": "verify_all"}
    submit(people, "1005", 999)
    response = verifier.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "When you opened the page: not reported." in row_text(response.content.decode(), "1005")
    assert june("1005").state == "submitted" and june("1001").state == "submitted"


# Who may.

def test_anonymous_people_are_sent_to_log_in(client):
    for url in (URL, "/verify/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"action-1001": "verify"})["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["reporter", "other_verifier"])
def test_a_reporter_or_another_bureaus_verifier_is_refused(client, people, three_submitted, who):
    client.force_login(people[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action-1001": "verify", "seen-1001": stamp(june("1001"))}).status_code == 403
    assert june("1001").state == "submitted"


def test_a_reporter_cannot_open_the_list(client, people):
    client.force_login(people["reporter"])
    assert client.get("/verify/").status_code == 403


def test_a_coordinator_reads_the_page_but_cannot_verify(client, people, three_submitted):
    client.force_login(people["coordinator"])
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert row_cells(html, "1001")[2] == "1,200" and len(row_cells(html, "1001")) == 6  # no decision column
    assert 'type="radio"' not in html and 'value="verify_all"' not in html
    assert "only the host bureau's verifiers can verify" in text_of(html)
    assert client.post(URL, {"action-1001": "verify", "seen-1001": stamp(june("1001"))}).status_code == 403
    assert june("1001").state == "submitted"


def test_a_closed_month_is_read_only_and_a_post_changes_nothing(verifier):
    may = "/verify/ENV-TREES/2024-05/"
    html = page_html(verifier, may, HTTP_ACCEPT_LANGUAGE="en")
    assert "was closed for reporting" in text_of(html) and 'type="radio"' not in html
    result = Result.objects.get(target__code="ENV-TREES", unit__code="1001", period=datetime.date(2024, 5, 1))
    response = verifier.post(may, {"action-1001": "return", "reason-1001": "x", "seen-1001": stamp(result)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    refused = "closed for reporting: its results can no longer be verified or returned. Nothing was saved."
    assert refused in shown_text(verifier, may)
    assert Result.objects.get(pk=result.pk).state == "verified"


def test_a_month_outside_the_target_is_404(verifier):
    assert verifier.get("/verify/ENV-TREES/2025-06/").status_code == 404
    assert verifier.get("/verify/NO-SUCH/2024-06/").status_code == 404


# The list.

def test_the_list_counts_what_awaits_verification_and_what_was_returned(verifier, people, three_submitted):
    verifier.post(URL, {**as_opened(verifier), "action-1003": "return", "reason-1003": "check"})
    html = page_html(verifier, "/verify/", HTTP_ACCEPT_LANGUAGE="en")
    section = re.search(r'data-target="ENV-TREES".*?</section>', html, re.S).group(0)
    june_row = re.search(r'<tr data-month="2024-06".*?</tr>', section, re.S).group(0)
    assert re.search(r'data-count="submitted">\s*<strong>2</strong>', june_row)
    assert 'data-count="returned">1<' in june_row
    assert 'href="/verify/ENV-TREES/2024-06/"' in june_row
    assert 'data-month="2024-05"' not in section  # closed
    assert "2 results await verification." in text_of(html)


def test_the_list_shows_only_the_verifiers_own_targets(client, people):
    client.force_login(people["other_verifier"])
    assert "ENV-TREES" not in page_html(client, "/verify/")
    client.force_login(people["coordinator"])
    assert 'data-target="ENV-TREES"' in page_html(client, "/verify/")


# Queries.

def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_runs_as_many_queries_for_50_districts_as_for_one(verifier, people, django_assert_max_num_queries):
    submit(people, "1001", 10)
    one = count_queries(verifier, URL)
    for district in District.objects.exclude(code="1001"):
        submit(people, district.code, 10)
    with django_assert_max_num_queries(12):
        fifty = count_queries(verifier, URL)
    assert fifty == one


# The history on the dashboard pages.

@pytest.fixture
def corrected_in_june(people, clock):
    """1001 submits 1,000 trees on 20 June, drafts 7,777 on 22 June, submits 1,100 on 24 June; the
    verifier returns it on 26 June, and it is submitted again at 1,150 on 27 June."""
    clock(2024, 6, 20, 9)
    submit(people, "1001", 1000)
    clock(2024, 6, 22, 9)
    submit(people, "1001", 7777, state="draft")
    clock(2024, 6, 24, 9)
    submit(people, "1001", 1100)
    clock(2024, 6, 26, 9)
    record_result(
        target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"), period=JUNE, value=1100,
        state="returned", comment="Count the saplings separately", by=people["host_verifier"],
    )
    clock(2024, 6, 27, 9)
    submit(people, "1001", 1150)


def history_rows(html):
    section = re.search(r'<section class="panel history".*?</section>', html, re.S).group(0)
    return [text_of(row) for row in re.findall(r"<tr data-revision.*?</tr>", section, re.S)]


def test_the_target_page_shows_who_changed_what_newest_first(client, corrected_in_june):
    rows = history_rows(page_html(client, "/targets/ENV-TREES/", HTTP_ACCEPT_LANGUAGE="en"))[:3]
    assert rows[0].startswith("27 Jun 2024") and "Phra Nakhon" in rows[0]
    assert "Corrected and submitted again" in rows[0] and "1,100 → 1,150" in rows[0] and "reporter-1001" in rows[0]
    assert "Returned for correction" in rows[1] and "verifier-env" in rows[1]
    assert "Count the saplings separately" in rows[1]
    assert "Changed" in rows[2] and "1,000 → 1,100" in rows[2]  # after the draft: from the last public value


def test_the_history_hides_drafts(client, corrected_in_june):
    html = page_html(client, "/targets/ENV-TREES/", HTTP_ACCEPT_LANGUAGE="en")
    assert "7,777" not in html
    assert "7,777" not in page_html(client, "/districts/1001/", HTTP_ACCEPT_LANGUAGE="en")


def test_the_history_respects_the_date_shown(client, corrected_in_june):
    rows = history_rows(page_html(client, "/targets/ENV-TREES/?as_of=2024-06-24", HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0].startswith("24 Jun 2024") and "1,000 → 1,100" in rows[0]
    assert not any("Returned" in row or "1,150" in row for row in rows)
    district = history_rows(page_html(client, "/districts/1001/?as_of=2024-06-21", HTTP_ACCEPT_LANGUAGE="en"))
    assert district[0].startswith("20 Jun 2024") and "Reported" in district[0] and "1,000" in district[0]


def test_the_history_shows_the_latest_50_and_says_how_many_there_are(client):
    html = page_html(client, "/targets/ENV-TREES/?as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="en")
    total = ResultRevision.objects.filter(result__target__code="ENV-TREES").count()
    assert len(history_rows(html)) == 50
    assert f"Showing the 50 most recent of {total} changes." in text_of(html)


def test_the_history_since_a_moment_keeps_the_value_before_it(people, corrected_in_june):
    since = datetime.datetime(2024, 6, 23, tzinfo=datetime.timezone.utc)
    history = list(ResultRevision.objects.history_for(target=Target.objects.get(code="ENV-TREES"), since=since))
    assert [(r.action, r.previous_value, r.value, r.total) for r in history] == [
        ("resubmitted", 1100, 1150, 3), ("returned", 1100, 1100, 3), ("changed", 1000, 1100, 3),
    ]


def test_the_district_page_names_the_target_of_each_change(client, corrected_in_june):
    rows = history_rows(page_html(client, "/districts/1001/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Trees" in rows[0] or "tree" in rows[0].lower()
    assert all("Phra Nakhon" not in row for row in rows)  # one district: no district column


# Verified and unverified figures told apart.

def test_a_result_awaiting_verification_is_marked_on_the_target_and_district_pages(client, people):
    submit(people, "1001", 1200)
    submit(people, "1001", 70, target="ENV-WASTE-COLLECTION")
    html = page_html(client, "/targets/ENV-TREES/", HTTP_ACCEPT_LANGUAGE="en")
    table = re.search(r'<table[^>]*id="district-table".*?</table>', html, re.S).group(0)
    result_cell = r'<td class="code optional">(\d{4})</td>.*?<td class="num">.*?</td>\s*<td class="num">(.*?)</td>'
    rows = dict(re.findall(result_cell, table, re.S))
    assert "1,200 awaiting verification" in text_of(rows["1001"])
    assert "awaiting" not in rows["1002"]
    level = page_html(client, "/targets/ENV-WASTE-COLLECTION/", HTTP_ACCEPT_LANGUAGE="en")
    assert level.count("data-awaiting") == 1
    district = page_html(client, "/districts/1001/", HTTP_ACCEPT_LANGUAGE="en")
    targets = re.search(r'<table class="data" id="district-targets">.*?</table>', district, re.S).group(0)
    def target_row(code):
        return text_of(re.search(rf'<tr data-target="{code}".*?</tr>', targets, re.S).group(0))

    assert "1,200 awaiting verification" in target_row("ENV-TREES")
    assert "awaiting verification" in target_row("ENV-WASTE-COLLECTION")
    assert "awaiting" not in target_row("ENV-PARKS")
