"""Follow-up meetings (การประชุมติดตามเป้าหมายเร่งด่วน): the agenda, per-target reviews, steps and actions.

A meeting is held for one host bureau on one day. Its agenda is one ``Review`` per target the
bureau hosts in that fiscal year, each keeping the figures **as the meeting saw them** (computed
by ``tracker.targets.progress`` as of the meeting day and stored with the review), so that a late
result or a correction never changes what a past meeting saw. A review holds the problems and
obstacles, the driving approaches and the steps with their dates; an ``Action`` (ข้อสั่งการ) is
agreed at a meeting, given to a responsible unit with a due date, and stays on the bureau's later
agendas until it is done or dropped. Every row keeps its history (django-simple-history); every
write goes through :mod:`tracker.meetings.recording`.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tracker.lib.bilingual import in_active_language
from tracker.lib.limits import plausible_day, text_within
from tracker.org.models import Unit
from tracker.targets.models import Target


# How long what staff type may be (the forms say so; the database's constraints hold it).
NAME_LENGTH = 300  # chair, place
ATTENDEES_LENGTH = 5_000
NOTES_LENGTH = 20_000
REVIEW_LENGTH = 10_000  # problems, approaches
ACTION_LENGTH = 2_000
OUTCOME_LENGTH = 5_000


class MeetingQuerySet(models.QuerySet):
    def get_by_natural_key(self, host_code, date):
        return self.get(host__code=host_code, date=date)

    def previous(self, meeting):
        """The same bureau's meetings before ``meeting``, latest first."""
        return self.filter(host=meeting.host_id, date__lt=meeting.date).order_by("-date", "-pk")

    def latest_held(self, day, host=None):
        """The latest meeting held on or before ``day`` (of ``host`` if given), or None."""
        if self.query.has_filters():
            raise TypeError("Meeting.objects.latest_held(day, host): narrow it with its arguments, not a filter before.")
        meetings = self.filter(date__lte=day)
        if host is not None:
            meetings = meetings.filter(host=host)
        return meetings.order_by("-date", "-pk").select_related("host").first()


class Meeting(models.Model):
    host = models.ForeignKey(
        Unit, verbose_name=_("host bureau"), on_delete=models.PROTECT, related_name="meetings",
        limit_choices_to=~Q(kind=Unit.Kind.DISTRICT),
    )
    date = models.DateField(_("date"))
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("e.g. 3/2567"))
    chair_th = models.CharField(_("chair (Thai)"), max_length=NAME_LENGTH)
    chair_en = models.CharField(_("chair (English)"), max_length=NAME_LENGTH, blank=True)
    place_th = models.CharField(_("place (Thai)"), max_length=NAME_LENGTH, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=NAME_LENGTH, blank=True)
    attendees_th = models.TextField(_("attendees (Thai)"), max_length=ATTENDEES_LENGTH, blank=True, help_text=_("One unit or role a line."))
    attendees_en = models.TextField(_("attendees (English)"), max_length=ATTENDEES_LENGTH, blank=True, help_text=_("One unit or role a line."))
    notes = models.TextField(_("notes"), max_length=NOTES_LENGTH, blank=True)
    figures_as_of = models.DateField(_("figures as of"), null=True, editable=False)
    figures_taken_at = models.DateTimeField(_("figures taken at"), null=True, editable=False)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "host__code"]
        verbose_name = _("follow-up meeting")
        verbose_name_plural = _("follow-up meetings")
        constraints = [
            models.UniqueConstraint(fields=["host", "date"], name="meeting_unique_host_date"),
            plausible_day("date", "meeting_date_plausible"),
            *(text_within(f, NAME_LENGTH, f"meeting_{f}_length") for f in ("chair_th", "chair_en", "place_th", "place_en")),
            text_within("attendees_th", ATTENDEES_LENGTH, "meeting_attendees_th_length"),
            text_within("attendees_en", ATTENDEES_LENGTH, "meeting_attendees_en_length"),
            text_within("notes", NOTES_LENGTH, "meeting_notes_length"),
        ]
        indexes = [models.Index(fields=["host", "date"], name="meeting_host_date_idx")]

    def __str__(self):
        return f"{self.host.code} {self.date.isoformat()}"

    def natural_key(self):
        return (self.host.code, self.date.isoformat())

    natural_key.dependencies = ["org.unit"]

    @property
    def chair(self):
        return in_active_language(self.chair_th, self.chair_en)

    @property
    def place(self):
        return in_active_language(self.place_th, self.place_en)

    @property
    def attendees(self):
        return [line.strip() for line in in_active_language(self.attendees_th, self.attendees_en).splitlines() if line.strip()]

    def targets_reviewed(self):
        return Target.objects.filter(reviews__meeting=self).order_by("reviews__sort_order", "code")

    @property
    def figures_final(self):
        """Whether the stored figures are those of the end of the meeting day (taken after it)."""
        return (
            self.figures_as_of == self.date and self.figures_taken_at is not None
            and self.figures_taken_at.date() > self.date
        )


class ReviewManager(models.Manager):
    def get_by_natural_key(self, host_code, date, target_code):
        return self.get(meeting__host__code=host_code, meeting__date=date, target__code=target_code)


class Review(models.Model):
    """One target on a meeting's agenda: the figures the meeting saw and what it said of them."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reviews")
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="reviews")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    figures = models.JSONField(_("figures as the meeting saw them"), default=dict, editable=False)
    problems = models.TextField(_("problems and obstacles"), max_length=REVIEW_LENGTH, blank=True)
    approaches = models.TextField(_("driving approaches"), max_length=REVIEW_LENGTH, blank=True)

    objects = ReviewManager()
    history = HistoricalRecords(excluded_fields=["figures"])

    class Meta:
        ordering = ["meeting", "sort_order", "target__code"]
        verbose_name = _("target review")
        verbose_name_plural = _("target reviews")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "target"], name="review_unique_meeting_target"),
            text_within("problems", REVIEW_LENGTH, "review_problems_length"),
            text_within("approaches", REVIEW_LENGTH, "review_approaches_length"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.target.code}"

    def natural_key(self):
        return (*self.meeting.natural_key(), self.target.code)

    natural_key.dependencies = ["meetings.meeting", "targets.target"]


class Step(models.Model):
    """A step towards the target, with its dates (ขั้นตอนและระยะเวลาการดำเนินงาน)."""

    review = models.ForeignKey(Review, verbose_name=_("target review"), on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=500)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    due_on = models.DateField(_("until"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "due_on", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            plausible_day("starts_on", "step_starts_on_plausible"),
            plausible_day("due_on", "step_due_on_plausible"),
            text_within("description", 500, "step_description_length"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=models.F("due_on")), name="step_starts_before_due",
            ),
        ]

    def __str__(self):
        return self.description


class ActionQuerySet(models.QuerySet):
    def get_by_natural_key(self, host_code, date, number):
        return self.get(meeting__host__code=host_code, meeting__date=date, number=number)

    def open_on(self, day):
        """Actions agreed before the end of ``day`` and not yet done or dropped then."""
        return self.filter(meeting__date__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    def overdue_on(self, day):
        return self.open_on(day).filter(due_on__lt=day)

    def for_host(self, host):
        return self.filter(meeting__host=host)


class Action(models.Model):
    """An action agreed at a meeting (ข้อสั่งการ), checked at the next ones until done or dropped."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up action", "Open")
        DONE = "done", pgettext_lazy("follow-up action", "Done")
        DROPPED = "dropped", pgettext_lazy("follow-up action", "Dropped")

    meeting = models.ForeignKey(Meeting, verbose_name=_("agreed at"), on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("The action's number in its meeting: 1, 2, …"))
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="actions", null=True, blank=True,
    )
    description = models.TextField(_("action"), max_length=ACTION_LENGTH)
    responsible = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="actions",
    )
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(pgettext_lazy("action", "outcome"), max_length=OUTCOME_LENGTH, blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            plausible_day("due_on", "action_due_on_plausible"),
            plausible_day("closed_on", "action_closed_on_plausible"),
            text_within("description", ACTION_LENGTH, "action_description_length"),
            text_within("outcome", OUTCOME_LENGTH, "action_outcome_length"),
            models.UniqueConstraint(fields=["meeting", "number"], name="action_unique_meeting_number"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(closed_on__isnull=True)) | (~Q(state="open") & Q(closed_on__isnull=False)),
                name="action_closed_on_iff_closed",
            ),
        ]
        indexes = [models.Index(fields=["responsible", "state"], name="action_responsible_state_idx")]

    def __str__(self):
        return self.description[:60]

    def natural_key(self):
        return (*self.meeting.natural_key(), self.number)

    natural_key.dependencies = ["meetings.meeting", "targets.target", "org.unit"]

    def clean(self):
        """Closing an action (done or dropped) dates it today unless dated; opening it again clears the date."""
        if self.state == self.State.OPEN:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()
        if self.closed_on is not None and self.meeting_id and self.closed_on < self.meeting.date:
            raise ValidationError({"closed_on": _("An action cannot be closed before the meeting that agreed it.")})

    def is_open_on(self, day):
        return self.meeting.date <= day and (self.closed_on is None or self.closed_on > day)

    def is_overdue_on(self, day):
        return self.is_open_on(day) and self.due_on < day

    def state_on(self, day):
        return self.State.OPEN if self.closed_on is None or self.closed_on > day else self.State(self.state)

