"""Fixtures of the targets tests: the demo data's most used target and district."""
import pytest

from tracker.org.models import District
from tracker.targets.models import Target


@pytest.fixture
def trees():
    """ENV-TREES: 218,910 trees of 200,000 as of the meeting, shared out to the 50 districts."""
    return Target.objects.get(code="ENV-TREES")


@pytest.fixture
def phra_nakhon():
    """District 1001, Phra Nakhon: it carries an allocation of every demo target."""
    return District.objects.get(code="1001")
