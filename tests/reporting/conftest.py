"""People with roles, and reading a staff form back as a browser would post it."""
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from tracker.org.models import Membership, Role, Unit


def person(username, *roles, superuser=False):
    """A user with (unit code, role) pairs, e.g. person("r", ("1001", Role.REPORTER))."""
    user = get_user_model().objects.create(username=username, is_superuser=superuser, is_staff=superuser)
    for code, role in roles:
        Membership.objects.create(user=user, unit=Unit.objects.get(code=code), role=role)
    return user


@pytest.fixture
def people(db):
    """One person for every row of the permission matrix."""
    return {
        "anonymous": None,
        "viewer": person("viewer", ("OPS", Role.VIEWER)),
        "other_reporter": person("reporter-1002", ("1002", Role.REPORTER)),
        "reporter": person("reporter-1001", ("1001", Role.REPORTER)),
        "host_verifier": person("verifier-env", ("ENV", Role.VERIFIER)),
        "other_verifier": person("verifier-cle", ("CLE", Role.VERIFIER)),
        "coordinator": person("coordinator", ("SED", Role.COORDINATOR)),
        "admin": person("admin", superuser=True),
    }


def form_fields(html):
    """The named inputs and textareas of the page's POST form, as the browser would send them."""
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', html, re.S).group(1)
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = unescape(text)
    return fields
