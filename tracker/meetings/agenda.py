"""A meeting as its pages show it: the agenda's reviews with the figures the meeting saw (thawed
from the stored snapshot), the previous meeting's figures to compare with, the steps, the actions
agreed and those carried over from the bureau's earlier meetings. A constant number of queries.
"""
from dataclasses import dataclass, field

from tracker.meetings.models import Action, Meeting, Review, Step
from tracker.meetings.snapshot import thaw, unit_codes
from tracker.org.models import Unit
from tracker.targets.models import Target
from tracker.targets.progress import Change
from tracker.targets.rules import Band


@dataclass
class ReviewItem:
    review: Review
    figure: object  # TargetProgress, as the meeting saw it (None: figures not taken yet)
    previous: object = None  # TargetProgress at the previous meeting, if the target was on its agenda
    steps: list = field(default_factory=list)
    actions: list = field(default_factory=list)

    @property
    def target(self):
        return self.review.target

    @property
    def changes(self):
        """{"result", "percent"}: Change since the previous meeting, and band movements [(band, +n)]."""
        if self.figure is None or self.previous is None:
            return None
        moves = [
            (band, self.figure.band_counts.get(band.value, 0) - self.previous.band_counts.get(band.value, 0))
            for band in Band
        ]
        return {
            "result": Change(self.previous.result, self.figure.result),
            "percent": Change(self.previous.percent, self.figure.percent),
            "bands": [(band, moved) for band, moved in moves if moved],
        }


@dataclass
class Agenda:
    meeting: Meeting
    previous: Meeting | None
    items: list
    carried: list  # open actions of earlier meetings, as of this meeting's day
    other_actions: list  # actions of this meeting tied to no target


def _figures(reviews, targets_by_parent):
    """{review id: TargetProgress} for ``reviews``, with the units they name read in one query."""
    codes = set()
    for review in reviews:
        codes |= unit_codes(review.figures)
    units = {u.code: u for u in Unit.objects.select_related("zone").filter(code__in=codes)}
    return {
        review.pk: thaw(review.figures, review.target, units, targets_by_parent.get(review.target_id, ()))
        for review in reviews if review.figures
    }


def load(meeting):
    """The ``Agenda`` of ``meeting``."""
    reviews = list(meeting.reviews.select_related("target", "target__host").order_by("sort_order", "target__code"))
    previous = Meeting.objects.previous(meeting).first()
    previous_reviews = list(previous.reviews.select_related("target")) if previous else []
    parents = {r.target_id for r in reviews} | {r.target_id for r in previous_reviews}
    children = {}
    for child in Target.objects.filter(parent__in=parents).order_by("sort_order", "code"):
        children.setdefault(child.parent_id, []).append(child)
    figures = _figures(reviews + previous_reviews, children)
    before = {r.target_id: figures.get(r.pk) for r in previous_reviews}

    steps = {}
    for step in Step.objects.filter(review__meeting=meeting).order_by("due_on", "pk"):
        steps.setdefault(step.review_id, []).append(step)
    actions = list(meeting.actions.select_related("responsible", "target").order_by("number"))
    by_target = {}
    for action in actions:
        by_target.setdefault(action.target_id, []).append(action)
    items = [
        ReviewItem(r, figures.get(r.pk), before.get(r.target_id), steps.get(r.pk, []), by_target.pop(r.target_id, []))
        for r in reviews
    ]
    carried = list(
        Action.objects.for_host(meeting.host).open_on(meeting.date).filter(meeting__date__lt=meeting.date)
        .select_related("meeting", "responsible", "target").order_by("due_on", "meeting__date", "number")
    )
    other = [a for target_actions in by_target.values() for a in target_actions]
    return Agenda(meeting, previous, items, carried, other)
