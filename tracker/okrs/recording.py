"""The one way OKRs and projects are written: checked, saved with their history, in one transaction.

The unit pages, the admin and tests call :func:`record_okr` and :func:`record_project`. Each
change is kept by django-simple-history with the acting user (a project's record also keeps the
OKRs it is bound to), so that pages as of a past day read them as they stood
(``tracker.targets.history``).
"""
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def record_okr(okr, by):
    """Save ``okr`` (new or changed) after checking its fields, with its history, ``by`` as the author.

    Raises ``ValidationError`` (messages in the active language) and saves nothing when a rule is broken.
    """
    okr.full_clean()
    okr._history_user, okr._history_date = by, timezone.now()
    okr.save()
    return okr


@transaction.atomic
def record_project(project, okrs, by):
    """Save ``project`` (new or changed) bound to ``okrs``, with one history record, ``by`` as the author.

    The record keeps the project's fields and the OKRs it is bound to. Raises ``ValidationError``
    and saves nothing when a rule is broken.
    """
    project.full_clean()
    okrs = list(okrs)
    # The binding is changed without history of its own; the save that follows writes the one record,
    # with the OKRs as bound.
    project.skip_history_when_saving = True
    try:
        if project._state.adding:
            project.save()  # a new project needs its id before it is bound
        project.okrs.set(okrs)
    finally:
        del project.skip_history_when_saving
    project._history_user, project._history_date = by, timezone.now()
    project.save()
    return project
