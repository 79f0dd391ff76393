"""Two writers released at the same moment, on two real PostgreSQL connections: the recording
functions decide under the result's row lock, so one of them wins and the other is told why — never
a 500, never a write lost or undone.

Each race is run many times on the demo data (loaded here: a transactional test starts from an
empty database). SQLite serialises whole-database writes and shares no rows between threads' in-memory
connections, so the races are run on PostgreSQL only; the same guards without the timing are tested
on both databases in test_recording.py and test_import.py.

It flushes the database when it ends (pytest-django runs transactional tests after the rest).
"""
import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets.models import Result, Target
from tracker.targets.recording import Conflict, record_result, record_results, stamp

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL's row locks"),
]
JUNE = datetime.date(2024, 6, 1)
TRIALS = 12


def race(*writers):
    """Run the writers in threads released together; what each returned or raised, in order."""
    barrier, outcomes = threading.Barrier(len(writers)), [None] * len(writers)

    def run(index, writer):
        try:
            barrier.wait(10)
            outcomes[index] = writer()
        except Exception as error:  # noqa: BLE001 - the outcome is what is asserted
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def kinds(outcomes):
    return sorted(
        "conflict" if isinstance(o, Conflict) else "refused" if isinstance(o, ValidationError)
        else type(o).__name__ if isinstance(o, Exception) else "done"
        for o in outcomes
    )


def test_two_writers_never_both_win_and_nothing_is_lost_or_undone():
    call_command("loaddata", "reference", "demo_meeting_2567", verbosity=0)
    trees = Target.objects.select_related("host").get(code="ENV-TREES")
    verifier = person("verifier-env", ("ENV", Role.VERIFIER))
    coordinator = person("coordinator", ("SED", Role.COORDINATOR))
    units = list(Unit.objects.filter(allocations__target=trees).order_by("code")[:TRIALS * 4])
    assert len(units) == TRIALS * 4 and not Result.objects.filter(target=trees, unit__in=units, period=JUNE).exists()
    unit_of = iter(units)
    for trial in range(TRIALS):
        # Two tabs submit the first value of an empty cell (both opened it empty: seen "").
        unit = next(unit_of)
        reporter_of = person(f"r-{unit.code}", (unit.code, Role.REPORTER))
        outcomes = race(*(
            (lambda value=value: record_result(target=trees, unit=unit, period=JUNE, value=value, by=reporter_of, seen=""))
            for value in (111, 222)
        ))
        assert kinds(outcomes) == ["conflict", "done"], (trial, outcomes)
        winner = next(o for o in outcomes if isinstance(o, Result))
        result = Result.objects.get(target=trees, unit=unit, period=JUNE)
        assert (result.value, result.revisions.count()) == (winner.value, 1)
        loser = next(o for o in outcomes if isinstance(o, Conflict))
        assert loser.current.value == winner.value

        # An import confirmed while the host verifies the result both saw.
        unit = next(unit_of)
        submitted = record_result(target=trees, unit=unit, period=JUNE, value=600, by=coordinator)
        seen = stamp(submitted)
        outcomes = race(
            lambda: record_results([{"target": trees, "unit": unit, "period": JUNE, "value": Decimal(900), "seen": seen}], by=coordinator),
            lambda: record_result(target=trees, unit=unit, period=JUNE, value=600, state="verified", by=verifier, seen=seen),
        )
        assert kinds(outcomes) in (["conflict", "done"], ["done", "refused"]), (trial, outcomes)
        result = Result.objects.get(target=trees, unit=unit, period=JUNE)
        expected = (Decimal(900), "submitted") if isinstance(outcomes[0], dict) else (Decimal(600), "verified")
        assert (result.value, result.state) == expected
        assert result.revisions.count() == 2

        # The reporter resubmits while the host verifies what both saw.
        unit = next(unit_of)
        submitted = record_result(target=trees, unit=unit, period=JUNE, value=70, by=coordinator)
        seen = stamp(submitted)
        outcomes = race(
            lambda: record_result(target=trees, unit=unit, period=JUNE, value=75, by=coordinator, seen=seen),
            lambda: record_result(target=trees, unit=unit, period=JUNE, value=70, state="verified", by=verifier, seen=seen),
        )
        assert kinds(outcomes) == ["conflict", "done"], (trial, outcomes)
        result = Result.objects.get(target=trees, unit=unit, period=JUNE)
        expected = (Decimal(75), "submitted") if isinstance(outcomes[0], Result) else (Decimal(70), "verified")
        assert (result.value, result.state) == expected

        # Two tabs change the same submitted value.
        unit = next(unit_of)
        seen = stamp(record_result(target=trees, unit=unit, period=JUNE, value=5, by=coordinator))
        outcomes = race(*(
            (lambda value=value: record_result(target=trees, unit=unit, period=JUNE, value=value, by=coordinator, seen=seen))
            for value in (6, 7)
        ))
        assert kinds(outcomes) == ["conflict", "done"], (trial, outcomes)
        result = Result.objects.get(target=trees, unit=unit, period=JUNE)
        assert result.value == next(o for o in outcomes if isinstance(o, Result)).value
        assert result.revisions.count() == 2
