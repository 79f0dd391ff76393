"""Helpers for page tests: page text without tags, and a copy of the demo data to double its size."""
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.okrs.models import Okr, Project
from tracker.targets.models import Allocation, Result, Target


def text_of(html):
    """The visible text of an HTML fragment, with white space folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def page_html(client, url, **headers):
    """A page's HTML, once it has answered 200."""
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def section(html, code):
    """The HTML of the element marked ``data-target="code"`` (an article or a table row)."""
    match = re.search(rf'<(article|tr)[^>]*data-target="{re.escape(code)}"[^>]*>(.*?)</\1>', html, flags=re.S)
    assert match, f"no element for {code}"
    return match.group(2)


def double_the_data():
    """Copy every demo target, allocation, result, OKR and project under new codes: twice the data."""
    copies = {}
    for target in Target.objects.order_by("parent_id", "pk"):
        original = target.pk
        target.pk = None
        target.code = f"COPY-{target.code}"
        target.parent_id = copies.get(target.parent_id)
        target.save()
        copies[original] = target.pk
    Allocation.objects.bulk_create(
        Allocation(target_id=copies[a.target_id], unit_id=a.unit_id, value=a.value) for a in Allocation.objects.all()
    )
    Result.objects.bulk_create(
        Result(target_id=copies[r.target_id], unit_id=r.unit_id, period=r.period, value=r.value,
               is_percentage=r.is_percentage, state=r.state, entered_at=r.entered_at, updated_at=r.updated_at,
               verified_at=r.verified_at)
        for r in Result.objects.all()
    )
    okr_copies = {}
    for okr in Okr.objects.order_by("pk"):
        original = okr.pk
        okr.pk, okr.code, okr.target_id = None, f"COPY-{okr.code}", copies.get(okr.target_id)
        okr.save()
        okr_copies[original] = okr.pk
    for project in Project.objects.prefetch_related("okrs").order_by("pk"):
        okrs = [okr_copies[o.pk] for o in project.okrs.all()]
        project.pk, project.code = None, f"COPY-{project.code}"
        project.save()
        project.okrs.set(okrs)
    assert Target.objects.count() == 12 and Project.objects.count() == 194


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def queries_before_and_after_doubling(db, client):
    """(queries on the fixtures, queries on twice the data) for a URL, e.g. to assert they are equal."""

    def measure(url, url_after=None):
        before = count_queries(client, url)
        double_the_data()
        return before, count_queries(client, url_after or url)

    return measure
