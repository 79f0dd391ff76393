"""As of a day, for every row whose history django-simple-history keeps: one mechanism.

Targets, allocations, closed months, OKRs and projects (with the OKRs they are bound to: the
models marked ``HISTORY_AS_OF``) each have a history record from the moment they hold: simple-history writes it when a recording
function saves the row, and :func:`loaded` writes it when ``loaddata`` loads the row (loaddata
itself writes none), dated at the start of the day the fixture says its rows held from (a
``HeldFrom`` object before them: the demo's rows hold from 1 October 2023), at the moment of
loading when it says nothing. So a row as it stood at the end of a day is its latest record by
then (:func:`records_as_of`, :func:`as_they_stood`); a row with no record by then did not exist
yet. Results keep their own history, ``ResultRevision``, which fixtures carry row by row.
"""
import copy
import datetime

from django.apps import apps
from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tracker.lib import fiscal
from tracker.lib.expressions import among_values

# The reason on the record a loaded row starts with. Stored as data, in English; pages translate it.
AS_LOADED = "as loaded, before the first recorded change"


def records_as_of(model, day, within=None):
    """The history records of ``model``: the latest of each row dated by the end of ``day``,
    deletions left out. A queryset of the historical model (its rows carry the model's fields).

    ``within`` narrows the rows before each one's latest record is picked — a condition on what a
    row never changes (its id, an allocation's target), so that a page of one target reads that
    target's records only; filter anything else on the queryset returned (an OKR's year or unit
    as it was then). One query: the latest of each row by a window, on every database.
    """
    records = model.history.model.objects.order_by()
    candidates = records.filter(history_date__lt=fiscal.end_of_day(day))
    if within is not None:
        candidates = candidates.filter(within)
    newest_first = [F("history_date").desc(), F("history_id").desc()]
    latest = candidates.annotate(
        newest=Window(RowNumber(), partition_by=[F("id")], order_by=newest_first),
    ).filter(newest=1).values("history_id")
    return records.filter(history_id__in=latest).exclude(history_type="-")


def as_they_stood(rows, day, fields, *, missing="drop"):
    """``rows`` (model instances of one model) as they stood at the end of ``day``, in their order:
    each row whose record then differs in ``fields`` is a copy carrying that record's values.

    A row with no record by then was created since: it is left out, or with ``missing="keep"``
    kept as it is (a target entered late for a past year shows its figures). One query.
    """
    rows = list(rows)
    if not rows:
        return []
    model = type(rows[0])
    then = {
        values[0]: values[1:]
        for values in records_as_of(model, day, within=among_values("id", [r.pk for r in rows])).values_list("id", *fields)
    }
    stood = []
    for row in rows:
        values = then.get(row.pk)
        if values is None:
            if missing == "keep":
                stood.append(row)
            continue
        if any(value != getattr(row, name) for name, value in zip(fields, values)):
            row = copy.copy(row)
            for name, value in zip(fields, values):
                setattr(row, name, value)
        stood.append(row)
    return stood


# Rows loaded from fixtures ------------------------------------------------------------------

def _this_load(using):
    """What the ``loaddata`` under way has said and written so far, kept on the connection for its
    transaction (loaddata runs in one) and forgotten when that ends."""
    connection = connections[using]
    state = getattr(connection, "history_load", None)
    if state is None or not any(block is state[0] for block in connection.atomic_blocks):
        state = (connection.atomic_blocks[-1] if connection.atomic_blocks else None, {"written": {}, "bindings": {}})
        connection.history_load = state
    return state[1]


def declared(sender, instance, raw=False, using="default", **kwargs):
    """A ``HeldFrom`` loaded: the rows loaded after it, in the same ``loaddata``, held from its day."""
    if raw:
        _this_load(using)["held_from"] = timezone.make_aware(datetime.datetime.combine(instance.day, datetime.time.min))


def _history_kept(model):
    """Whether pages read ``model`` as of a day, from its history (``HISTORY_AS_OF = True`` on it).
    The meetings' rows keep their history for who changed what; a meeting's figures are frozen
    with it, and a demo meeting's are taken after it is loaded."""
    return getattr(model, "HISTORY_AS_OF", False) and hasattr(model._meta, "simple_history_manager_attribute")


def loading(sender, instance, raw=False, **kwargs):
    """Before a row is loaded: simple-history would date a record of its OKRs, set next, at the
    moment of loading; :func:`bound_when_loaded` puts them on the loaded record instead."""
    if raw and _history_kept(sender):
        instance.skip_history_when_saving = True


def loaded(sender, instance, raw=False, using="default", **kwargs):
    """After a row is loaded: its first history record, dated by the fixture (the moment of
    loading if it says nothing). A row loaded again gets a record now if the fixture changed it."""
    if not raw:
        return
    if hasattr(sender, "instance_type"):  # a history record, loaded with its row: a whole-site dump
        _superseded(sender, instance, using)
        return
    if not _history_kept(sender):
        return
    historical = sender.history.model
    kept = [f.attname for f in historical._meta.fields if f.attname in {g.attname for g in sender._meta.concrete_fields}]
    values = {name: getattr(instance, name) for name in kept}
    latest = historical.objects.using(using).filter(id=instance.pk).order_by("-history_date", "-history_id").first()
    if latest is None:
        moment, kind = _this_load(using).get("held_from") or timezone.now(), "+"
    elif latest.history_type == "-" or any(getattr(latest, name) != value for name, value in values.items()):
        moment, kind = timezone.now(), "~"
    else:
        return
    instance._loaded_record = historical.objects.using(using).create(
        **values, history_date=moment, history_type=kind, history_change_reason=AS_LOADED, history_user=None,
    )
    _this_load(using)["written"][sender, instance.pk] = instance._loaded_record.history_id
    _copy_bindings(type(instance), instance, using)


def _superseded(historical, record, using):
    """A fixture that carries a row's own history (a dump of the whole site, restored) keeps it as
    it was: the record written when the row was loaded, before its history, goes."""
    mine = _this_load(using)["written"].pop((historical.instance_type, record.id), None)
    if mine is None:
        return
    if mine != record.history_id:
        historical.objects.using(using).filter(history_id=mine).delete()  # with the bindings kept on it
    else:  # the dump's record took its place (the same id): only the bindings written with it go
        for rows, pks in _this_load(using)["bindings"].pop(mine, []):
            rows.objects.using(using).filter(pk__in=pks).delete()


def bound_when_loaded(sender, instance, action, **kwargs):
    """A loaded row's many-to-many set (a project's OKRs): kept on its loaded record."""
    if action.startswith("post_") and getattr(instance, "_loaded_record", None) is not None:
        _copy_bindings(type(instance), instance, instance._state.db or "default")


def _copy_bindings(model, instance, using):
    """The loaded record's rows of each many-to-many field simple-history keeps, as they are now."""
    record = instance._loaded_record
    for field in model._meta.many_to_many:
        try:
            rows = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field.name}")
        except LookupError:
            continue  # a many-to-many its history does not keep
        through = field.remote_field.through
        names = [f.attname for f in through._meta.fields]
        rows.objects.using(using).filter(history=record).delete()
        created = rows.objects.using(using).bulk_create(
            rows(history=record, **dict(zip(names, values)))
            for values in through.objects.using(using).filter(**{field.m2m_field_name(): instance.pk}).values_list(*names)
        )
        _this_load(using)["bindings"][record.history_id] = [(rows, [row.pk for row in created])]
