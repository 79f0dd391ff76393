"""A signed-in person's responses are private and their session ends when they are idle; a
bureau's verifiers read only their own targets' rows of a unit's report grid."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import THROUGH_THE_PROXY
from tests.factories import person
from tracker.org.models import Membership, Role, Unit
from tracker.targets.models import Allocation, Target

pytestmark = pytest.mark.django_db
PASSWORD = "ต้นไม้-ล้านต้น-2567"


@pytest.mark.parametrize("url", [
    "/report/1001/2024-06/",                   # a staff page
    "/compliance/2024-06/?_export=csv",        # a staff export
    "/targets/ENV-TREES/?_export=csv",         # a public download, while signed in
    "/targets/ENV-TREES/",                     # a public page, while signed in
])
def test_signed_in_responses_are_private_and_never_stored(client, url):
    client.force_login(person("coordinator", ("SED", Role.COORDINATOR)))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_anonymous_readers_page_is_not_marked_private_no_store(client):
    assert "no-store" not in client.get("/targets/ENV-TREES/")["Cache-Control"]


def test_a_session_ends_after_a_working_day_without_a_request(client, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600  # SESSION_IDLE_MINUTES' default
    user = get_user_model().objects.create_user(username="reporter-1001", password=PASSWORD)
    Membership.objects.create(user=user, unit=Unit.objects.get(code="1001"), role=Role.REPORTER)
    clock(2026, 12, 7, 9, 0)
    assert client.post("/accounts/login/", {"username": "reporter-1001", "password": PASSWORD}).status_code == 302
    clock(2026, 12, 7, 16, 58)  # 7 h 58 idle: still signed in, and the day starts again from here
    assert client.get("/report/1001/2024-06/").status_code == 200
    clock(2026, 12, 8, 0, 56)   # 15 h 56 after the log-in, 7 h 58 after the last request
    assert client.get("/report/1001/2024-06/").status_code == 200
    clock(2026, 12, 8, 9, 0)    # 8 h 4 idle: signed out
    response = client.get("/report/1001/2024-06/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/report/1001/2024-06/"


@pytest.fixture
def cleaning_target(db):
    """A target hosted by the Department of City Cleaning (CLE) that district 1001 carries too."""
    target = Target.objects.create(
        code="CLE-STREETS", name_th="ถนนสะอาด", host=Unit.objects.get(code="CLE"), unit_of_measure="km",
        measure="cumulative", target_value=100, start_date="2023-10-01", deadline="2024-09-30", districts_carry=True,
    )
    Allocation.objects.create(target=target, unit=Unit.objects.get(code="1001"), value=2)
    return target


def row_targets(response):
    return sorted(row.target.code for row in response.context["grid"].rows)


def test_a_verifier_reads_the_rows_of_the_targets_the_bureau_hosts_only(cleaning_target):
    seen = {}
    for name, role in [("verifier-env", ("ENV", Role.VERIFIER)), ("verifier-cle", ("CLE", Role.VERIFIER)),
                       ("viewer", ("OPS", Role.VIEWER)), ("reporter-1001", ("1001", Role.REPORTER))]:
        client = Client(headers=THROUGH_THE_PROXY)
        client.force_login(person(name, role))
        response = client.get("/report/1001/2024-06/")
        assert response.status_code == 200, name
        seen[name] = row_targets(response)
    assert seen["verifier-cle"] == ["CLE-STREETS"]
    environment = ["ENV-PARKS", "ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-WASTE-COLLECTION", "ENV-WASTE-POINTS",
                   "ENV-WASTE-SEPARATION"]
    assert seen["verifier-env"] == environment
    assert seen["viewer"] == seen["reporter-1001"] == ["CLE-STREETS", *environment]


def test_a_verifier_whose_bureau_hosts_none_of_the_units_targets_is_refused(client):
    client.force_login(person("verifier-budget", ("CLE", Role.VERIFIER)))
    assert client.get("/report/1001/2024-06/").status_code == 403
