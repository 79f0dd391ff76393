"""The meeting pages: the list and the agenda as the meeting saw it, and the forms that set a
meeting up and keep it (host verifiers and coordinators only; bad input kept and refused)."""
import datetime
import re

import pytest

from tests.helpers import count_queries, figure_texts, text_of
from tracker.meetings.models import Action, Meeting, Review
from tracker.targets.models import Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_demo_meeting(client, seed):
    html = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-meeting="{seed.pk}"' in html and "7 Jun 2024" in html


def test_the_agenda_shows_the_figures_the_meeting_saw_and_its_action(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = client.get(f"/meetings/{seed.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    trees = html[html.index('data-review="ENV-TREES"'):html.index('data-review="ENV-PARKS"')]
    assert figure_texts(trees) == {
        "result": "218,910 trees", "target": "200,000 trees", "percent": "109.46% expected 68.58%", "status": "Achieved",
        "forecast": "319,207 trees (159.60%)",
    }
    perennial = re.search(r'<p class="sub-target" data-child="ENV-TREES-PERENNIAL">(.*?)</p>', trees, re.S).group(1)
    assert text_of(perennial) == "Sub-target · of which perennial trees: 45,719 / 157,567 trees (29.02%) Off track"
    collection = text_of(html[html.index('data-review="ENV-WASTE-COLLECTION"'):html.index('data-review="ENV-WASTE-SEPARATION"')])
    assert re.search(r"≥ 100%\s*31 districts", collection) and re.search(r"< 50%\s*12 districts", collection)
    points = html[html.index('data-review="ENV-WASTE-POINTS"'):]
    assert "Not reporting yet" in points and "OKR" in points and 'data-action="' in points
    assert "kept as the meeting saw them" in html


def test_the_agenda_runs_the_same_queries_with_more_actions_and_steps(client, seed, people):
    before = count_queries(client, f"/meetings/{seed.pk}/")
    for n in range(2, 6):
        Action.objects.create(meeting=seed, number=n, description=f"ข้อ {n}", responsible=seed.host, due_on=datetime.date(2024, 7, 1))
    assert count_queries(client, f"/meetings/{seed.pk}/") == before


def test_a_late_result_does_not_change_the_page(client, seed, people, reopened_months):
    def main():
        html = client.get(f"/meetings/{seed.pk}/").content.decode()
        return html[html.index("<main"):html.index("</main>")]

    before = main()
    record_result(target=Target.objects.get(code="ENV-TREES"), unit=people["reporter"].memberships.get().unit,
                  period=datetime.date(2024, 5, 1), value=5_000, by=None, state="submitted")  # a correction, however made
    assert main() == before


def test_readers_see_no_edit_links(client, seed, people):
    client.force_login(people["viewer"])
    html = client.get(f"/meetings/{seed.pk}/").content.decode()
    assert f"/meetings/{seed.pk}/edit/" not in html and f"/meetings/{seed.pk}/actions/" not in html


def test_the_host_verifier_creates_a_meeting_of_their_bureau_only(client, people, clock):
    clock(2024, 7, 10, 9)
    client.force_login(people["host_verifier"])
    form = client.get("/meetings/new/").content.decode()
    assert re.findall(r'<option value="(\d+)"', form[form.index('name="host"'):form.index("</select>", form.index('name="host"'))]) == [
        str(people["host_verifier"].memberships.get().unit_id)
    ]
    data = {"host": people["host_verifier"].memberships.get().unit_id, "date": "2024-07-05", "chair_th": "ประธานที่ปรึกษาฯ"}
    response = client.post("/meetings/new/", data)
    meeting = Meeting.objects.get(date="2024-07-05")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.reviews.count() == 5
    cle = people["other_verifier"].memberships.get().unit_id
    assert client.post("/meetings/new/", {**data, "host": cle, "date": "2024-07-06"}).status_code == 403
    assert not Meeting.objects.filter(date="2024-07-06").exists()


def test_a_meeting_without_a_chair_is_refused_with_the_form_kept(client, people):
    client.force_login(people["coordinator"])
    response = client.post("/meetings/new/", {"host": people["host_verifier"].memberships.get().unit_id, "date": "2024-07-05",
                                              "place_th": "ห้องประชุม"}, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ห้องประชุม" in html and "Nothing was saved" not in html  # the message is in Thai
    assert not Meeting.objects.filter(date="2024-07-05").exists()


def test_a_second_meeting_of_a_bureau_on_the_same_day_is_refused(client, seed, people):
    client.force_login(people["coordinator"])
    response = client.post("/meetings/new/", {"host": seed.host_id, "date": "2024-06-07", "chair_th": "ประธาน"})
    assert response.status_code == 400 and Meeting.objects.filter(host=seed.host).count() == 1


def test_the_review_form_saves_problems_approaches_and_steps(client, seed, people):
    client.force_login(people["host_verifier"])
    url = f"/meetings/{seed.pk}/targets/ENV-WASTE-POINTS/"
    assert client.get(url).status_code == 200
    data = {
        "problems": "สำนักงานเขตยังไม่ผูก OKR", "approaches": "สยป. มีหนังสือแจ้งสำนักงานเขต",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "40",
        "steps-0-description": "สำนักงานเขตผูก OKR", "steps-0-due_on": "2024-06-30",
        "steps-1-description": "", "steps-1-due_on": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#review-ENV-WASTE-POINTS")
    review = Review.objects.get(meeting=seed, target__code="ENV-WASTE-POINTS")
    assert review.problems == "สำนักงานเขตยังไม่ผูก OKR"
    assert list(review.steps.values_list("description", "due_on")) == [("สำนักงานเขตผูก OKR", datetime.date(2024, 6, 30))]
    assert "สำนักงานเขตผูก OKR" in client.get(f"/meetings/{seed.pk}/").content.decode()


def test_a_step_ending_before_it_starts_is_refused_and_nothing_is_saved(client, seed, people):
    client.force_login(people["host_verifier"])
    url = f"/meetings/{seed.pk}/targets/ENV-PARKS/"
    data = {
        "problems": "ไม่ควรบันทึก", "approaches": "",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "40",
        "steps-0-description": "ผิดลำดับ", "steps-0-starts_on": "2024-08-01", "steps-0-due_on": "2024-07-01",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "ผิดลำดับ" in response.content.decode()
    review = Review.objects.get(meeting=seed, target__code="ENV-PARKS")
    assert "ไม่ควรบันทึก" not in review.problems and not review.steps.exists()


def test_an_action_is_added_then_closed(client, seed, people, clock):
    clock(2024, 6, 7, 16)
    client.force_login(people["coordinator"])
    response = client.post(f"/meetings/{seed.pk}/actions/new/", {
        "target": Target.objects.get(code="ENV-PARKS").pk, "description": "เร่งรัดสวน 15 นาที",
        "responsible": seed.host_id, "due_on": "2024-07-31",
    })
    assert response.status_code == 302
    action = seed.actions.get(number=2)
    clock(2024, 7, 20, 9)
    client.force_login(people["coordinator"])  # the session of 7 June has expired by then
    response = client.post(f"/meetings/{seed.pk}/actions/2/", {
        "target": action.target_id, "description": action.description, "responsible": seed.host_id,
        "due_on": "2024-07-31", "state": "done", "closed_on": "", "outcome": "เปิดแล้ว 3 แห่ง",
    })
    assert response.status_code == 302 and "/login/" not in response["Location"], re.findall(r"form-error[^>]*>([^<]*)<", response.content.decode())
    action.refresh_from_db()
    assert (action.state, action.closed_on, action.outcome) == ("done", datetime.date(2024, 7, 20), "เปิดแล้ว 3 แห่ง")


def test_an_action_without_a_due_date_is_refused(client, seed, people):
    client.force_login(people["coordinator"])
    response = client.post(f"/meetings/{seed.pk}/actions/new/", {"description": "x", "responsible": seed.host_id})
    assert response.status_code == 400 and seed.actions.count() == 1


def test_unknown_meetings_targets_and_actions_are_not_found(client, seed, people):
    client.force_login(people["coordinator"])
    assert client.get("/meetings/999/").status_code == 404
    assert client.get(f"/meetings/{seed.pk}/targets/NOPE/").status_code == 404
    assert client.get(f"/meetings/{seed.pk}/actions/9/").status_code == 404
