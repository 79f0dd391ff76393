"""The one way monthly results are written: validated, saved with their revision, in one transaction.

Forms, the admin, the import and tests all call :func:`record_result` or :func:`delete_result`.
Each call checks the result's rules (``Result.clean``), stamps the server's time, keeps the first
author in ``entered_by`` and who verified it in ``verified_by``, and writes a ``ResultRevision``
with the acting user and the new value and state, so that any figure can be shown again as it
stood on a past day. A result that is deleted keeps its row in the state *deleted*: figures as of
a day before the deletion still count it.

Allocations and targets are written by :func:`record_allocations` and :func:`record_target` in
the same spirit: checked, all or nothing, each change kept by django-simple-history with who and
when (``tracker.targets.history``).
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.lib import fiscal
from tracker.org.permissions import permissions_for
from tracker.targets import rules
from tracker.targets.models import Allocation, ClosedMonth, Result, ResultRevision, Target
from tracker.targets.signals import written_in_bulk

State = Result.State

# The state machine ----------------------------------------------------------------------------
# A unit's people (and a coordinator's import) write values, as a draft or submitted; the host
# bureau's verifiers judge what was submitted, verifying it or returning it with a reason. A
# verified result changes only through a return by its host, and nobody verifies a result they
# entered or last changed. ``record_result``, ``record_results`` and ``delete_result`` check this
# under the result's row lock, whoever calls them; ``by=None`` is the system (fixtures, the data
# generator, tests' set-up), which neither roles nor the state machine bind.

REPORTED = (State.DRAFT, State.SUBMITTED)  # what the unit writes
REVIEWS = {  # what the host's verifiers may make of a result in each state
    State.SUBMITTED: (State.VERIFIED, State.RETURNED),
    State.VERIFIED: (State.RETURNED,),
    State.RETURNED: (State.VERIFIED,),
}


def stamp(result):
    """What a form remembers of a result when it is opened ("" for none), to notice a change made meanwhile."""
    return result.updated_at.isoformat() if result is not None else ""


class Conflict(ValidationError):
    """The result changed since the form writing it was opened (its ``seen`` stamp); ``current`` is
    the result as it stands now, locked."""

    def __init__(self, current):
        super().__init__(
            _("Someone else saved this result while you had the form open. Check both values and save again."),
            code="conflict",
        )
        self.current = current


def authors(results):
    """{result id: ids of the users who entered it or wrote its present value}, in one query: they
    may not verify it."""
    results = [r for r in results if r is not None and r.pk is not None]
    found = {r.pk: {r.entered_by_id} - {None} for r in results}
    if results:
        latest = ResultRevision.objects.filter(result=OuterRef("result"), state__in=REPORTED).order_by("-changed_at", "-pk")
        writers = ResultRevision.objects.filter(
            result__in=[r.pk for r in results], pk=Subquery(latest.values("pk")[:1]),
        ).values_list("result", "changed_by")
        for result, user in writers:
            if user is not None:
                found[result].add(user)
    return found


def leaves_alone(result, value, note, state):
    """Whether writing ``value``, ``note`` and ``state`` over ``result`` changes nothing: the same value
    and note, and a state that would only take a result back (a draft saved over a submitted,
    returned or verified one, a submission over a verified one)."""
    if result is None or result.state == State.DELETED or (result.value, result.note) != (value, note):
        return False
    if state in REPORTED:
        return not (state == State.SUBMITTED and result.state in (State.DRAFT, State.RETURNED))
    return state == result.state


def change_error(result, *, target, unit, value, note, state, by, permissions):
    """Why ``by`` may not write ``value``, ``note`` and ``state`` over ``result`` (None: not reported
    yet); None when they may. ``permissions`` are ``by``'s. The system (``by`` None) is not bound."""
    if by is None:
        return None
    now = result.state if result is not None and result.state != State.DELETED else None
    if state in REPORTED:
        if not permissions.may_import(unit):
            return _("You may not record results for %(unit)s.") % {"unit": unit.name}
        if now == State.VERIFIED:
            return _verified()
        return None
    if not permissions.may_verify(target):
        return _("Only the verifiers of %(host)s verify or return the results of %(target)s.") % {
            "host": target.host.name, "target": target.code,
        }
    if state not in REVIEWS.get(now, ()):
        if now is None:
            return _("There is no submitted result to verify or return.")
        return _("A result that is “%(now)s” cannot be made “%(new)s”.") % {
            "now": State(now).label, "new": State(state).label,
        }
    if (result.value, result.note) != (value, note):
        return _("A verifier verifies or returns the value reported, as it is; it cannot be changed at the same time.")
    if state == State.VERIFIED and by.pk in authors([result])[result.pk]:
        return _("You entered or last changed this result, so someone else of the host bureau must verify it.")
    return None


def _verified():
    return _("This result is verified by the host bureau; ask the host to return it for correction first.")


def _permissions(by, permissions):
    return permissions if permissions is not None or by is None else permissions_for(by)


def _locked(target, unit, period):
    return (
        Result.objects.select_for_update(of=("self",)).select_related("target", "unit", "entered_by")
        .filter(target=target, unit=unit, period=period).order_by("pk").first()  # the default order joins 3 tables
    )


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
def record_result(
    *, target, unit, period, value, by, note="", state=State.SUBMITTED, comment="", seen=None, permissions=None,
):
    """Write ``unit``'s result for ``target`` in ``period``'s month and its revision; return the result.

    ``by`` is the acting user (None for the system), ``permissions`` theirs if the caller holds them
    already. Raises ``ValidationError`` (messages in the active language) and saves nothing when a
    rule is broken, the state machine's included (see above); ``Conflict`` when ``seen`` (the
    ``stamp`` of the result when the form was opened) is given and the result has changed since,
    whether it was changed or first written meanwhile. Recording what is already there changes
    nothing and writes no revision. ``comment`` says why, where a change needs it (the reason a
    result is returned); it is kept with the revision.
    """
    period = fiscal.month_start(period)
    value = _decimal(value)
    if state not in State.values or state == State.DELETED:
        raise ValidationError({"state": _("Choose a state: draft, submitted, verified or returned.")})
    comment = comment.strip()
    if state == State.RETURNED and not comment:
        raise ValidationError({"comment": _("Say why the result is returned, so that the reporter can correct it.")})
    if error := rules.reason_error(comment):
        raise ValidationError({"comment": error})
    permissions = _permissions(by, permissions)
    while True:
        result = _locked(target, unit, period)
        if seen is not None and stamp(result) != seen:
            raise Conflict(result)
        if leaves_alone(result, value, note, state):
            return result
        if error := change_error(
            result, target=target, unit=unit, value=value, note=note, state=state, by=by, permissions=permissions,
        ):
            raise ValidationError({"state": error})
        now = timezone.now()
        if result is None:
            result = Result(target=target, unit=unit, period=period, entered_by=by, entered_at=now)
        elif result.state == State.DELETED:
            result.entered_by = by  # reported anew: the new author answers for it
        result.value, result.note, result.state = value, note, state
        try:
            with transaction.atomic():  # a first write that races another's: read it, then decide again
                _write(result, by, now, comment=comment)
        except IntegrityError:
            if result.pk is not None or not _locked(target, unit, period):
                raise
            continue
        return result


@transaction.atomic
def delete_result(result, *, by, seen=None, permissions=None):
    """Take ``result`` out of every figure from now on; figures as of earlier days keep it.

    The same guards as ``record_result``: ``by`` may record the unit's results, a verified result is
    the host's until it returns it, a closed month is closed; ``seen`` as there."""
    result = Result.objects.select_for_update(of=("self",)).select_related("target", "unit", "entered_by").get(pk=result.pk)
    if seen is not None and stamp(result) != seen:
        raise Conflict(result)
    if result.state == State.DELETED:
        return result
    permissions = _permissions(by, permissions)
    if by is not None and not permissions.may_import(result.unit):
        raise ValidationError(_("You may not record results for %(unit)s.") % {"unit": result.unit.name})
    if by is not None and result.state == State.VERIFIED:
        raise ValidationError({"state": _verified()})
    if ClosedMonth.objects.filter(period=result.period).exists():
        raise ValidationError({"period": _("%(month)s is closed for reporting; ask Strategy and Evaluation to reopen it.") % {
            "month": fiscal.format_month(result.period, get_language() or "th"),
        }})
    result.state = State.DELETED
    _write(result, by, timezone.now(), validate=False)
    return result


def _write(result, by, now, validate=True, comment=""):
    if validate:
        # Field checks (digits, lengths) and the model's rules. The related rows are the objects in
        # hand, and uniqueness is ensured by the lookup above: no need to ask the database again.
        result.full_clean(
            exclude=["target", "unit", "entered_by", "verified_by"], validate_unique=False, validate_constraints=False,
        )
    if result.state == State.VERIFIED:
        result.verified_by, result.verified_at = by, now
    elif result.state != State.DELETED:
        result.verified_by, result.verified_at = None, None
    result.updated_at = now
    result.save(recording=True)
    ResultRevision.objects.create(
        result=result, value=result.value, note=result.note, state=result.state, changed_by=by, changed_at=now,
        comment=comment,
    )


# Allocations (ค่าเป้าหมายรายเขต) ---------------------------------------------------------------

def _allocation_value(target, unit, value):
    """``value`` as a Decimal (None: remove), or a ``ValidationError`` saying why ``unit`` may not have it."""
    if target.districts_carry and not unit.is_district:
        raise ValidationError(_("%(target)s is shared out to the district offices; %(unit)s is not one.") % {
            "target": target.code, "unit": unit.name,
        })
    if not target.districts_carry and unit.is_district:
        raise ValidationError(_("%(target)s is carried by its host or other bureaus, not by a district office such as %(unit)s.") % {
            "target": target.code, "unit": unit.name,
        })
    if value is None:
        return None
    try:
        value = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(_("Enter the value as a number, e.g. 1,250 or 57.5."))
    if value < 0:
        raise ValidationError(_("An allocation cannot be negative."))
    if target.is_percentage and value > 100:
        raise ValidationError(_("A percentage must be between 0 and 100."))
    if value.normalize().as_tuple().exponent < -target.decimals:
        if target.decimals:
            raise ValidationError(ngettext(
                "%(target)s is counted with at most %(n)d decimal place.",
                "%(target)s is counted with at most %(n)d decimal places.",
                target.decimals,
            ) % {"target": target.code, "n": target.decimals})
        raise ValidationError(_("%(target)s is counted in whole numbers.") % {"target": target.code})
    Allocation._meta.get_field("value").run_validators(value)  # no more digits than the column holds
    return value


@transaction.atomic
def record_allocations(target, values, by):
    """Set the allocations of ``target``: ``values`` is {unit: Decimal, or None to remove it}.

    All or nothing: every value is checked first (not negative, no more decimals than the target
    counts, at most 100 for a percentage, a unit that may carry the target: a district office for
    a target shared out to districts, otherwise a bureau), and a ``ValidationError`` keyed by unit
    code (messages in the active language) saves nothing. An allocation is removed only while its
    unit has no counted result for the target. Each change is kept by django-simple-history with
    ``by`` as its author.
    Unchanged values write nothing. Returns the number of allocations created, changed or removed.
    A constant number of queries whatever the number of units, plus two per removal.
    """
    # Lock the target: two people saving its allocations are served one after the other.
    target = Target.objects.select_for_update().get(pk=target.pk)
    current = {
        a.unit_id: a
        for a in Allocation.objects.select_for_update().filter(target=target, unit__in=[u.pk for u in values]).order_by()
    }
    errors, wanted = {}, {}
    for unit, value in values.items():
        try:
            wanted[unit] = _allocation_value(target, unit, value)
        except ValidationError as error:
            errors[unit.code] = error.messages
    removed = [unit for unit, value in wanted.items() if value is None and unit.pk in current]
    if removed:
        counted = set(
            Result.objects.filter(target=target, unit__in=[u.pk for u in removed], state__in=Result.COUNTED_STATES)
            .values_list("unit", flat=True)
        )
        for unit in removed:
            if unit.pk in counted:
                errors[unit.code] = [_(
                    "%(unit)s has results counted for %(target)s, so its allocation cannot be removed. "
                    "Enter 0 if it should have none."
                ) % {"unit": unit.name, "target": target.code}]
    if errors:
        raise ValidationError(errors)

    created, changed, deleted = [], [], []
    for unit, value in wanted.items():
        allocation = current.get(unit.pk)
        if allocation is None:
            if value is not None:
                created.append(Allocation(target=target, unit=unit, value=value))
        elif value is None:
            deleted.append(allocation)
        elif allocation.value != value:
            allocation.value = value
            changed.append(allocation)
    if not (created or changed or deleted):
        return 0

    now = timezone.now()
    written_in_bulk.send(sender=Allocation)  # bulk writes send no post_save
    if changed:
        bulk_update_with_history(changed, Allocation, ["value"], default_user=by, default_date=now)
    if created:
        bulk_create_with_history(created, Allocation, default_user=by, default_date=now)
    for allocation in deleted:
        # django-simple-history writes the deletion's record from these.
        allocation._history_user, allocation._history_date = by, now
        allocation.delete()
    return len(created) + len(changed) + len(deleted)


@transaction.atomic
def record_target(target, by):
    """Save ``target`` (new or changed) with its history, ``by`` as the author.

    The history lets figures as of earlier days keep its old values (``TargetQuerySet.as_they_stood``).
    """
    target._history_user, target._history_date = by, timezone.now()
    target.save()
    return target


# Many results at once (the import) ------------------------------------------------------------

def result_errors(*, target, unit, period, value, note="", closed, allocated, today):
    """The rules of ``Result.clean`` for one result, read from what the caller loaded once.

    ``closed`` is the set of closed months, ``allocated`` the set of (target id, unit id) pairs
    with an allocation, ``target.host`` loaded. Returns {field: message} (empty when the result
    may be recorded), with the very messages ``Result.clean`` gives, so that checking thousands of
    rows needs no query per row.
    """
    errors = {}
    if error := rules.period_error(target, period, period in closed, today):
        errors["period"] = error
    if error := rules.reporting_error(target, unit, (target.pk, unit.pk) in allocated):
        errors["unit"] = error
    if error := rules.note_error(note):
        errors["note"] = error
    if error := rules.value_error(target, value):
        errors["value"] = error
    else:
        try:
            Result._meta.get_field("value").run_validators(value)  # no more digits than the column holds
        except ValidationError as error:
            errors["value"] = " ".join(error.messages)
    return errors


@transaction.atomic
def close_month(month, *, by, permissions=None):
    """Close ``month`` for reporting: none of its results changes any more. Only coordinators close
    and reopen months (``ValidationError`` otherwise); closing a closed month changes nothing."""
    _may_close(by, permissions)
    return ClosedMonth.objects.get_or_create(period=fiscal.month_start(month), defaults={"closed_by": by})[0]


@transaction.atomic
def reopen_month(month, *, by, permissions=None):
    """Open ``month`` for reporting again; its history keeps who closed and who reopened it."""
    _may_close(by, permissions)
    for closed in ClosedMonth.objects.select_for_update().filter(period=fiscal.month_start(month)):
        closed.delete()


def _may_close(by, permissions):
    if by is not None and not _permissions(by, permissions).may_close_months():
        raise ValidationError(_("Only Strategy and Evaluation close and reopen months for reporting."))


@transaction.atomic
def record_results(rows, by, permissions=None):
    """Write many results at once, all or nothing; return {"new": n, "changed": n, "unchanged": n}.

    ``rows`` are dicts with ``target`` (host loaded), ``unit``, ``period``, ``value`` (Decimal),
    ``note``, ``state`` (submitted by default; a user writes drafts or submissions, only the system
    writes verified results) and, optionally, ``seen``: the row's ``stamp`` when it was checked. The
    same rules as :func:`record_result` (``result_errors`` and the state machine), checked under the
    rows' locks with the closed months and allocations read once; any broken rule, a result changed
    since it was checked or first written meanwhile raises ``ValidationError`` {row index: messages}
    and saves nothing. Unchanged rows write nothing; the others are inserted or updated in bulk with
    one ``ResultRevision`` each, ``by`` as the author, the server's time as when. A constant number
    of queries whatever the number of rows.
    """
    rows = list(rows)
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    if not rows:
        return counts
    permissions = _permissions(by, permissions)
    targets = {row["target"].pk for row in rows}
    periods = {fiscal.month_start(row["period"]) for row in rows}
    closed = set(ClosedMonth.objects.values_list("period", flat=True))
    allocated = set(Allocation.objects.filter(target__in=targets).values_list("target", "unit"))
    current = {
        (r.target_id, r.unit_id, r.period): r
        for r in Result.objects.select_for_update().filter(target__in=targets, period__in=periods).order_by()
    }
    today, now = timezone.localdate(), timezone.now()
    errors, created, changed, seen = {}, [], [], set()
    for index, row in enumerate(rows):
        target, unit = row["target"], row["unit"]
        period, value = fiscal.month_start(row["period"]), _decimal(row["value"])
        note, state = row.get("note", "") or "", row.get("state", State.SUBMITTED)
        key = (target.pk, unit.pk, period)
        result = current.get(key)
        problems = result_errors(
            target=target, unit=unit, period=period, value=value, note=note, closed=closed, allocated=allocated,
            today=today,
        )
        if state not in REPORTED and not (by is None and state == State.VERIFIED):
            problems["state"] = _("Choose a state: draft, submitted, verified or returned.")
        elif row.get("seen") is not None and stamp(result) != row["seen"]:
            problems["state"] = _("This result was changed by someone else after the file was checked; check the file again.")
        elif leaves_alone(result, value, note, state):
            counts["unchanged"] += 1
            continue
        elif state in REPORTED and (error := change_error(
            result, target=target, unit=unit, value=value, note=note, state=state, by=by, permissions=permissions,
        )):
            problems["state"] = error
        if key in seen:
            problems["unit"] = _("This result is given twice.")
        seen.add(key)
        if problems:
            errors[index] = list(problems.values())
            continue
        if result is None:
            result = Result(target=target, unit=unit, period=period, entered_by=by, entered_at=now)
            created.append((index, result))
        else:
            if result.state == State.DELETED:
                result.entered_by = by
            changed.append(result)
        result.value, result.note, result.state, result.updated_at = value, note, state, now
        result.is_percentage = target.is_percentage
        result.verified_by, result.verified_at = (by, now) if state == State.VERIFIED else (None, None)
    if errors:
        raise ValidationError(errors)
    written_in_bulk.send(sender=Result)  # bulk writes send no post_save
    try:
        with transaction.atomic():
            Result.objects.bulk_create([result for _index, result in created], batch_size=2000)
    except IntegrityError:
        # Another writer recorded some of the new results since they were locked: say which.
        raced = {
            (r.target_id, r.unit_id, r.period)
            for r in Result.objects.filter(target__in=targets, period__in=periods).order_by()
        }
        raise ValidationError({
            index: [_("Someone else recorded this result meanwhile; check the file again.")]
            for index, result in created if (result.target_id, result.unit_id, result.period) in raced
        } or {0: [_("Someone else recorded this result meanwhile; check the file again.")]}) from None
    created = [result for _index, result in created]
    _update_results(changed)
    _insert_revisions(created + changed, by, now)
    counts["new"], counts["changed"] = len(created), len(changed)
    return counts


_UPDATED = ("value", "note", "state", "updated_at", "is_percentage", "entered_by", "verified_by", "verified_at")


def _update_results(results):
    """Save the recorded fields of ``results`` (existing rows) in a few statements.

    Django's ``bulk_update`` builds a CASE per column per row and costs about a second per
    thousand rows; on PostgreSQL and SQLite one ``UPDATE … FROM (VALUES …)`` per batch does the
    same in milliseconds. Other databases fall back to ``bulk_update``.
    """
    if not results:
        return
    if connection.vendor not in ("postgresql", "sqlite"):
        Result.objects.bulk_update(results, list(_UPDATED), batch_size=100)
        return
    fields = [Result._meta.get_field(name) for name in _UPDATED]
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in fields]
    # VALUES columns are named column1, column2, … on both databases; casts give NULLs a type.
    casts = {"value": "NUMERIC", "is_percentage": "BOOLEAN", "entered_by": "INTEGER", "verified_by": "INTEGER"}
    assignments = ", ".join(
        f"{column} = " + (f"CAST(v.column{i} AS {casts[f.name]})" if f.name in casts else
                          f"CAST(v.column{i} AS TIMESTAMP WITH TIME ZONE)" if f.name in ("updated_at", "verified_at")
                          and connection.vendor == "postgresql" else f"v.column{i}")
        for i, (f, column) in enumerate(zip(fields, columns), start=2)
    )
    table = quote(Result._meta.db_table)
    limit = connection.features.max_query_params  # None: no limit (PostgreSQL)
    size = 1000 if limit is None else max(1, min(1000, limit // (len(fields) + 1)))
    with connection.cursor() as cursor:
        for start in range(0, len(results), size):
            batch = results[start:start + size]
            rows = ", ".join(["(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"] * len(batch))
            params = []
            for result in batch:
                params.append(result.pk)
                params.extend(f.get_db_prep_save(getattr(result, f.attname), connection) for f in fields)
            cursor.execute(f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1", params)


def _insert_revisions(results, by, now):
    """One ``ResultRevision`` per result, ``by`` at ``now``: plain multi-row INSERTs, which skip
    the ORM's per-object work (a third of the time of an import of thousands of rows)."""
    fields = [ResultRevision._meta.get_field(name) for name in ("result", "value", "note", "state", "changed_by", "changed_at", "comment")]
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params
    size = 1000 if limit is None else max(1, min(1000, limit // len(fields)))
    by_id = by.pk if by is not None else None
    stamp, comment = fields[5].get_db_prep_save(now, connection), ""
    value_field = fields[1]
    sql = (
        f"INSERT INTO {quote(ResultRevision._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(results), size):
            batch = results[start:start + size]
            params = []
            for r in batch:
                params += [r.pk, value_field.get_db_prep_save(r.value, connection), r.note, r.state, by_id, stamp, comment]
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            cursor.execute(sql + ", ".join([row] * len(batch)), params)
