"""The one way meetings, reviews, steps and actions are written: checked, with their history, all or nothing.

``create_meeting`` builds the agenda: one review per top-level target the host bureau hosts in the
meeting's fiscal year (sub-targets inside their parent's review), each with its figures as of the
meeting day (``take_figures``) and its problems prefilled from the monthly notes of the districts
furthest behind. Until the meeting day has ended the figures can be taken again (a meeting set up
ahead is brought up to date); after that they are final and never change.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.meetings.models import Action, Meeting, Review
from tracker.meetings.snapshot import freeze
from tracker.targets import progress
from tracker.targets.models import Target

NOTES_PER_DISTRICT = 1


def _stamp(row, by, now):
    row._history_user, row._history_date = by, now


def agenda_targets(host, day):
    """The targets a meeting of ``host`` on ``day`` reviews, sub-targets included (parents first)."""
    return list(Target.objects.for_pages().filter(host=host, fiscal_year=fiscal.fiscal_year(day)))


def lagging_notes(figures, as_of):
    """{target id: "district: note" lines} from the latest notes, up to ``as_of``, of each target's
    districts furthest behind (``TargetProgress.lagging``). One query."""
    wanted = {(f.target.pk, u.unit.pk): u.unit for f in figures for u in f.lagging}
    if not wanted:
        return {}
    rows = (
        progress.counted_results(as_of).filter(target__in={t for t, _u in wanted}, unit__in={u for _t, u in wanted})
        .exclude(note="").order_by("target", "unit", "-period").values_list("target", "unit", "note")
    )
    notes, seen = {}, set()
    for target_id, unit_id, note in rows:
        if (target_id, unit_id) not in wanted or (target_id, unit_id) in seen:
            continue
        seen.add((target_id, unit_id))
        notes.setdefault(target_id, []).append(f"{wanted[target_id, unit_id].name}: {note.strip()}")
    return {target_id: "\n".join(lines) for target_id, lines in notes.items()}


@transaction.atomic
def create_meeting(meeting, by):
    """Save the new ``meeting`` and build its agenda (reviews with their figures and prefilled problems)."""
    meeting.full_clean()
    now = timezone.now()
    _stamp(meeting, by, now)
    meeting.save()
    targets = agenda_targets(meeting.host, meeting.date)
    for order, target in enumerate(t for t in targets if t.parent_id is None):
        review = Review(meeting=meeting, target=target, sort_order=order)
        _stamp(review, by, now)
        review.save()
    return take_figures(meeting, by, prefill=True)


@transaction.atomic
def take_figures(meeting, by, prefill=False):
    """Store each review's figures as of the meeting day (today, for a meeting not yet held).

    Refused once the figures are final (taken after the meeting day ended). ``prefill`` writes the
    lagging districts' notes into empty problems.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.figures_final:
        raise ValidationError(_("The figures of a meeting already held are kept as the meeting saw them."))
    now = timezone.now()
    as_of = min(meeting.date, timezone.localdate())
    reviews = list(meeting.reviews.select_related("target"))
    targets = agenda_targets(meeting.host, meeting.date)
    figures = progress.compute(targets, as_of)
    notes = lagging_notes([figures[r.target_id] for r in reviews if r.target_id in figures], as_of) if prefill else {}
    for review in reviews:
        figure = figures.get(review.target_id)
        if figure is None:
            continue
        review.figures = freeze(figure)
        fields = ["figures"]
        if prefill and not review.problems and notes.get(review.target_id):
            review.problems = notes[review.target_id]
            fields.append("problems")
        _stamp(review, by, now)
        review.save(update_fields=fields)
    meeting.figures_as_of, meeting.figures_taken_at = as_of, now
    _stamp(meeting, by, now)
    meeting.save(update_fields=["figures_as_of", "figures_taken_at"])
    return meeting


@transaction.atomic
def record_meeting(meeting, by):
    """Save a meeting's header (date, chair, place, attendees, notes). Its date is fixed once it has figures."""
    meeting.full_clean()
    if meeting.pk:
        old = Meeting.objects.get(pk=meeting.pk)
        if old.date != meeting.date or old.host_id != meeting.host_id:
            raise ValidationError(_("The date and the host bureau of a meeting cannot change: its agenda was built for them."))
    _stamp(meeting, by, timezone.now())
    meeting.save()
    return meeting


@transaction.atomic
def record_review(review, steps, by):
    """Save a review's problems and approaches and its steps: ``steps`` is a list of (step, delete)."""
    review.full_clean(exclude=["figures"])
    now = timezone.now()
    _stamp(review, by, now)
    review.save(update_fields=["problems", "approaches"])
    for step, delete in steps:
        _stamp(step, by, now)
        if delete:
            if step.pk:
                step.delete()
            continue
        step.review = review
        step.full_clean()
        step.save()
    return review


@transaction.atomic
def record_action(action, by, today=None):
    """Save ``action`` (new or changed; see ``Action.clean`` for its closing date), numbered in its meeting."""
    if action.state != Action.State.OPEN and action.closed_on is None:
        action.closed_on = today or timezone.localdate()
    if not action.number:
        numbers = Action.objects.select_for_update().filter(meeting=action.meeting_id).values_list("number", flat=True)
        action.number = max(numbers, default=0) + 1
    action.full_clean()
    _stamp(action, by, timezone.now())
    action.save()
    return action


def figures_for_loaded_review(sender, instance, raw, **kwargs):
    """A review loaded from a fixture without figures (the demo's 7 June 2024 meeting) gets them at
    once, as of its meeting day, computed like any other: the fixture carries no typed figures; its
    empty problems are prefilled as ``create_meeting`` does. Its meeting's figures are then final,
    as for a meeting whose figures were taken after the day."""
    if not raw or instance.figures:
        return
    meeting = Meeting.objects.get(pk=instance.meeting_id)
    as_of = min(meeting.date, timezone.localdate())
    family = [t for t in agenda_targets(meeting.host, meeting.date) if instance.target_id in (t.pk, t.parent_id)]
    figure = progress.compute(family, as_of).get(instance.target_id)
    if figure is None:
        return
    now = timezone.now()
    changes = {"figures": freeze(figure)}
    if not instance.problems:
        changes["problems"] = lagging_notes([figure], as_of).get(instance.target_id, "")
    Review.objects.filter(pk=instance.pk).update(**changes)
    Meeting.objects.filter(pk=meeting.pk, figures_taken_at__isnull=True).update(figures_as_of=as_of, figures_taken_at=now)
