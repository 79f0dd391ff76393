"""The one way OKRs and projects are written: checked, saved with their history, in one transaction.

The unit pages, the admin and tests call :func:`record_okr` and :func:`record_project`. Each
change is kept by django-simple-history with the acting user (a project's record also keeps the
OKRs it is bound to). A row loaded from a fixture has no history yet: before its first change, a
record of it as loaded is written, dated at the start of its fiscal year (never later than now),
so that figures as of earlier days keep its old state (see ``summary_by_unit``).
"""
import datetime

from django.db import transaction
from django.utils import timezone

from tracker.lib import fiscal
from tracker.okrs.models import Okr, Project, project_okr_history
from tracker.targets.recording import AS_LOADED


def _loaded_at(fiscal_year, now):
    start = fiscal.fiscal_year_bounds(fiscal_year)[0]
    return min(timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)), now)


def _keep_as_loaded(model, pk, loaded_at):
    """Write the history record of row ``pk`` as it is in the database, if it has none; return it (or None)."""
    historical = model.history.model
    if historical.objects.filter(id=pk).exists():
        return None
    old = model.objects.get(pk=pk)
    kept = {f.attname for f in historical._meta.fields}
    return historical.objects.create(
        **{f.attname: getattr(old, f.attname) for f in model._meta.concrete_fields if f.attname in kept},
        history_date=loaded_at, history_type="+", history_change_reason=AS_LOADED, history_user=None,
    )


@transaction.atomic
def record_okr(okr, by):
    """Save ``okr`` (new or changed) after checking its fields, with its history, ``by`` as the author.

    Raises ``ValidationError`` (messages in the active language) and saves nothing when a rule is broken.
    """
    okr.full_clean()
    now = timezone.now()
    if okr.pk:
        old_year = Okr.objects.filter(pk=okr.pk).values_list("fiscal_year", flat=True).first()
        if old_year is not None:
            _keep_as_loaded(Okr, okr.pk, _loaded_at(old_year, now))
    okr._history_user, okr._history_date = by, now
    okr.save()
    return okr


@transaction.atomic
def record_project(project, okrs, by):
    """Save ``project`` (new or changed) bound to ``okrs``, with one history record, ``by`` as the author.

    The record keeps the project's fields and the OKRs it is bound to. A project loaded from a
    fixture first gets a record as loaded (with its OKRs then), dated at the start of the fiscal
    year of its earliest OKR (of today's fiscal year if it has none). Raises ``ValidationError``
    and saves nothing when a rule is broken.
    """
    project.full_clean()
    okrs = list(okrs)
    now = timezone.now()
    if project.pk and Project.objects.filter(pk=project.pk).exists():
        through = Project.okrs.through
        bound = list(through.objects.filter(project_id=project.pk).order_by("pk"))
        years = Okr.objects.filter(pk__in=[row.okr_id for row in bound]).values_list("fiscal_year", flat=True)
        record = _keep_as_loaded(Project, project.pk, _loaded_at(min(years, default=fiscal.fiscal_year(now.date())), now))
        if record is not None:
            project_okr_history().objects.bulk_create(
                project_okr_history()(history=record, id=row.pk, project_id=row.project_id, okr_id=row.okr_id)
                for row in bound
            )
    # The binding is changed without history of its own; the save that follows writes the one record,
    # with the OKRs as bound.
    project.skip_history_when_saving = True
    try:
        if project._state.adding:
            project.save()  # a new project needs its id before it is bound
        project.okrs.set(okrs)
    finally:
        del project.skip_history_when_saving
    project._history_user, project._history_date = by, now
    project.save()
    return project
