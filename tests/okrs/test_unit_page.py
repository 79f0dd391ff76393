"""A unit's OKR page: its reporters create and edit OKRs and update projects; others read or are refused."""
import re

import pytest

from tests.factories import person
from tests.helpers import text_of
from tracker.okrs.models import Okr, Project
from tracker.org.models import Role, Unit
from tracker.targets.models import Target

pytestmark = pytest.mark.django_db
PAGE = "/okrs/unit/ENV/"


@pytest.fixture
def env_reporter(db):
    return person("reporter-env", ("ENV", Role.REPORTER))


def project_post(**changes):
    data = {"project-{pk}-status": "completed", "project-{pk}-progress": "100", "project-{pk}-last_reported_on": "2024-06-05",
            "project-{pk}-okrs": []}
    project = Project.objects.get(code="ENV-PRJ-001")
    data = {key.format(pk=project.pk): value for key, value in data.items()}
    data.update({f"project-{project.pk}-{key}": value for key, value in changes.items()})
    data[f"project-{project.pk}-okrs"] = changes.get("okrs", [Okr.objects.get(code="ENV-OKR-02").pk])
    return data


def new_okr_post(**changes):
    data = {"new-code": "ENV-OKR-99", "new-name_th": "ต้นไม้ล้านต้น", "new-name_en": "A million trees",
            "new-target": Target.objects.get(code="ENV-TREES").pk, "new-key_result_start": "0", "new-key_result_target": "1000000"}
    data.update({f"new-{key}": value for key, value in changes.items()})
    return data


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"{PAGE}new/", new_okr_post()).status_code == 302
    assert not Okr.objects.filter(code="ENV-OKR-99").exists()


@pytest.mark.parametrize("who", ["reporter", "other_verifier"])
def test_people_without_a_role_here_are_refused(client, people, who):
    client.force_login(people[who])
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}new/", new_okr_post()).status_code == 403
    assert not Okr.objects.filter(code="ENV-OKR-99").exists()


@pytest.mark.parametrize("who", ["viewer", "coordinator", "host_verifier"])
def test_coordinators_viewers_and_host_verifiers_read_only(client, people, who):
    client.force_login(people[who])
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "only the unit's reporters can change them" in response.content.decode()
    assert "<form method=\"post\"" not in response.content.decode()
    assert client.post(f"{PAGE}new/", new_okr_post()).status_code == 403
    assert client.post(f"{PAGE}project/ENV-PRJ-001/", project_post()).status_code == 403
    assert Project.objects.get(code="ENV-PRJ-001").status == "in_progress"


def test_the_units_reporter_sees_its_okrs_and_projects_each_with_a_link_to_edit_it(client, env_reporter, django_assert_max_num_queries):
    client.force_login(env_reporter)
    with django_assert_max_num_queries(15):
        response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert html.count('data-okr="') == 26 and html.count('data-project="') == 97
    assert '<form method="post"' not in html[html.index("<main"):]  # one item at a time, on its own page
    assert html.count(f'href="{PAGE}okr/') == 26 and html.count(f'href="{PAGE}project/') == 97
    assert f'href="{PAGE}new/"' in html


@pytest.mark.parametrize(("url", "fields"), [
    ("new/", {"new-code", "new-name_th", "new-name_en", "new-target", "new-key_result_start", "new-key_result_target"}),
    ("okr/ENV-OKR-01/", {"name_th", "name_en", "target", "key_result_start", "key_result_target"}),
    ("project/ENV-PRJ-001/", {"status", "progress", "last_reported_on", "okrs"}),
])
def test_one_item_is_edited_on_its_own_page(client, env_reporter, url, fields, django_assert_max_num_queries):
    client.force_login(env_reporter)
    with django_assert_max_num_queries(12):
        response = client.get(PAGE + url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index('<form method="post"'):]
    names = {name if name.startswith("new-") else name.rsplit("-", 1)[-1] for name in re.findall(r'name="([^"]+)"', form)}
    assert fields <= names


def test_the_project_form_offers_the_units_okrs_with_the_bound_one_ticked(client, env_reporter):
    client.force_login(env_reporter)
    html = client.get(f"{PAGE}project/ENV-PRJ-001/").content.decode()
    assert html.count('type="checkbox" name="project-') == 26
    bound = Okr.objects.get(code="ENV-OKR-01").pk
    ticked = re.findall(r'<input type="checkbox" name="project-\d+-okrs" value="(\d+)"[^>]*checked', html)
    assert ticked == [str(bound)]


@pytest.mark.parametrize("who", ["viewer", "coordinator", "host_verifier"])
def test_readers_do_not_open_the_edit_pages(client, people, who):
    client.force_login(people[who])
    for url in ("new/", "okr/ENV-OKR-01/", "project/ENV-PRJ-001/"):
        assert client.get(PAGE + url).status_code == 403


def test_the_page_runs_the_same_queries_with_more_okrs(client, env_reporter):
    from tests.helpers import count_queries

    client.force_login(env_reporter)
    before = count_queries(client, PAGE)
    okr = Okr.objects.get(code="ENV-OKR-01")
    okr.pk, okr.code = None, "ENV-OKR-COPY"
    okr.save()
    project = Project.objects.get(code="ENV-PRJ-001")
    project.pk, project.code = None, "ENV-PRJ-COPY"
    project.save()
    project.okrs.set([okr])
    assert count_queries(client, PAGE) == before


def test_the_reporter_adds_an_okr_with_its_history(client, env_reporter):
    client.force_login(env_reporter)
    response = client.post(f"{PAGE}new/", new_okr_post())
    assert response.status_code == 302 and response["Location"] == PAGE
    okr = Okr.objects.get(code="ENV-OKR-99")
    assert (okr.unit.code, okr.target.code, okr.fiscal_year, okr.key_result_target) == ("ENV", "ENV-TREES", 2567, 1000000)
    assert okr.history.get().history_user == env_reporter


def test_the_reporter_edits_an_okr(client, env_reporter):
    client.force_login(env_reporter)
    okr = Okr.objects.get(code="ENV-OKR-01")
    data = {f"okr-{okr.pk}-name_th": "ชื่อใหม่", f"okr-{okr.pk}-name_en": "New name",
            f"okr-{okr.pk}-target": okr.target_id, f"okr-{okr.pk}-key_result_start": "10", f"okr-{okr.pk}-key_result_target": "20"}
    assert client.post(f"{PAGE}okr/ENV-OKR-01/", data).status_code == 302
    okr.refresh_from_db()
    assert (okr.name_en, okr.key_result_start, okr.code) == ("New name", 10, "ENV-OKR-01")


def test_the_reporter_updates_a_project_and_its_okrs(client, env_reporter):
    client.force_login(env_reporter)
    assert client.post(f"{PAGE}project/ENV-PRJ-001/", project_post()).status_code == 302
    project = Project.objects.get(code="ENV-PRJ-001")
    assert (project.status, project.progress, str(project.last_reported_on)) == ("completed", 100, "2024-06-05")
    assert list(project.okrs.values_list("code", flat=True)) == ["ENV-OKR-02"]
    assert project.history.latest().history_user == env_reporter


def test_the_admin_may_edit(client, people):
    client.force_login(people["admin"])
    assert client.post(f"{PAGE}project/ENV-PRJ-001/", project_post()).status_code == 302


def test_a_progress_over_100_is_refused_and_nothing_is_saved(client, env_reporter):
    client.force_login(env_reporter)
    response = client.post(f"{PAGE}project/ENV-PRJ-001/", project_post(progress="150"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "less than or equal to 100" in text_of(response.content.decode())
    project = Project.objects.get(code="ENV-PRJ-001")
    assert (project.status, project.progress) == ("in_progress", None)
    assert list(project.okrs.values_list("code", flat=True)) == ["ENV-OKR-01"]
    assert project.history.count() == 1  # as loaded


def test_errors_are_given_in_thai(client, env_reporter):
    client.force_login(env_reporter)
    response = client.post(f"{PAGE}project/ENV-PRJ-001/", project_post(progress="150"), HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 400
    assert "ค่านี้ต้องน้อยกว่าหรือเท่ากับ 100" in response.content.decode()


def test_a_last_report_after_today_is_refused(client, env_reporter):
    client.force_login(env_reporter)
    response = client.post(f"{PAGE}project/ENV-PRJ-001/", project_post(last_reported_on="2027-01-01"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot be dated after today" in response.content.decode()
    assert Project.objects.get(code="ENV-PRJ-001").status == "in_progress"


def test_an_okr_for_a_target_the_unit_neither_carries_nor_hosts_is_refused(client, env_reporter):
    client.force_login(env_reporter)
    other = Target.objects.create(
        code="CLE-OTHER", name_th="เป้าหมายอื่น", host=Unit.objects.get(code="CLE"), unit_of_measure="trees",
        measure="cumulative", target_value=1, start_date="2023-10-01", deadline="2024-09-30",
    )
    response = client.post(f"{PAGE}new/", new_okr_post(target=other.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Okr.objects.filter(code="ENV-OKR-99").exists()


def test_an_okr_code_already_taken_is_refused(client, env_reporter):
    client.force_login(env_reporter)
    response = client.post(f"{PAGE}new/", new_okr_post(code="ENV-OKR-01"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert Okr.objects.filter(code="ENV-OKR-01").count() == 1 and Okr.history.count() == 26  # as loaded


def test_a_project_of_another_unit_is_not_found_here(client, env_reporter):
    client.force_login(env_reporter)
    assert client.post(f"{PAGE}project/NOPE/", {}).status_code == 404
    assert client.get(f"{PAGE}okr/NOPE/").status_code == 404
