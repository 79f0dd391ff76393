"""The one way monthly results are written: validated, saved with their revision, in one transaction.

Forms, the admin, the import and tests all call :func:`record_result` or :func:`delete_result`.
Each call checks the result's rules (``Result.clean``), stamps the server's time, keeps the first
author in ``entered_by`` and who verified it in ``verified_by``, and writes a ``ResultRevision``
with the acting user and the new value and state, so that any figure can be shown again as it
stood on a past day. A result that is deleted keeps its row in the state *deleted*: figures as of
a day before the deletion still count it.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.targets.models import Result, ResultRevision

State = Result.State


def _decimal(value):
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Enter the value as a number, e.g. 1,250 or 57.5.")}) from None
    if not number.is_finite():
        raise ValidationError({"value": _("Enter the value as a number, e.g. 1,250 or 57.5.")})
    return number


@transaction.atomic
def record_result(*, target, unit, period, value, by, note="", state=State.SUBMITTED):
    """Write ``unit``'s result for ``target`` in ``period``'s month and its revision; return the result.

    ``by`` is the acting user (None for the system). Raises ``ValidationError`` (messages in the
    active language) and saves nothing when a rule is broken. Recording what is already there
    changes nothing and writes no revision.
    """
    period = fiscal.month_start(period)
    value = _decimal(value)
    if state not in State.values or state == State.DELETED:
        raise ValidationError({"state": _("Choose a state: draft, submitted, verified or returned.")})
    result = (
        Result.objects.select_for_update().select_related("target", "unit")
        .filter(target=target, unit=unit, period=period).first()
    )
    if result is not None and (result.value, result.note, result.state) == (value, note, state):
        return result
    now = timezone.now()
    if result is None:
        result = Result(target=target, unit=unit, period=period, entered_by=by, entered_at=now)
    elif result.state == State.DELETED:
        result.entered_by = by  # reported anew: the new author answers for it
    result.value, result.note, result.state = value, note, state
    _write(result, by, now)
    return result


@transaction.atomic
def delete_result(result, *, by):
    """Take ``result`` out of every figure from now on; figures as of earlier days keep it."""
    result = Result.objects.select_for_update().select_related("target", "unit").get(pk=result.pk)
    if result.state == State.DELETED:
        return result
    result.state = State.DELETED
    _write(result, by, timezone.now(), validate=False)
    return result


def _write(result, by, now, validate=True):
    if validate:
        # Field checks (digits, lengths) and the model's rules; uniqueness is ensured by the lookup above.
        result.full_clean(validate_unique=False, validate_constraints=False)
    if result.state == State.VERIFIED:
        result.verified_by, result.verified_at = by, now
    elif result.state != State.DELETED:
        result.verified_by, result.verified_at = None, None
    result.updated_at = now
    result.save(recording=True)
    ResultRevision.objects.create(
        result=result, value=result.value, note=result.note, state=result.state, changed_by=by, changed_at=now,
    )
