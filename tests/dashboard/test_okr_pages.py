"""The OKR and project tables: filters, exports and query budgets."""
import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_okr_table_lists_the_26_environment_okrs(client):
    exported = rows(client.get("/okrs/?unit=ENV&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert len(exported) == 26
    assert all(r["bound"] == "Bound" for r in exported)


def test_okr_table_filters_by_target(client):
    exported = rows(client.get("/okrs/?target=ENV-PARKS&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert exported and all(r["target_code"] == "ENV-PARKS" for r in exported)


def test_project_table_filters_by_status(client):
    completed = rows(client.get("/projects/?unit=ENV&status=completed&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    in_progress = rows(client.get("/projects/?unit=ENV&status=in_progress&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert (len(completed), len(in_progress)) == (5, 92)


def test_project_table_filters_by_target_through_okrs(client):
    exported = rows(client.get("/projects/?target=ENV-TREES&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert 0 < len(exported) < 97


def test_project_xlsx_export(client):
    response = client.get("/projects/?_export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_filter_value_is_explained(client):
    response = client.get("/projects/?status=nonsense", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("url", ["/okrs/", "/projects/"])
def test_query_budget_is_constant(queries_before_and_after_doubling, url):
    before, after = queries_before_and_after_doubling(url)
    assert before <= 15
    assert after == before


@pytest.mark.parametrize("url", ["/okrs/", "/projects/"])
def test_filters_offer_only_units_and_targets_with_okrs(client, url):
    from tracker.okrs.models import Okr
    from tracker.targets.models import Target

    Target.objects.create(
        code="OTHER-NO-OKR", name_th="ไม่มี OKR", host=Okr.objects.first().unit, unit_of_measure="trees",
        measure="cumulative", target_value=1, start_date="2023-10-01", deadline="2024-09-30",
    )
    form = client.get(url).context["filter"].form
    targets = [code for code, _ in form.fields["target"].choices if code]
    units = [code for code, _ in form.fields["unit"].choices if code]
    assert "ENV-TREES" in [str(t) for t in targets] and "OTHER-NO-OKR" not in [str(t) for t in targets]
    assert [str(u) for u in units] == ["ENV"]
