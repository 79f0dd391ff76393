"""Policies, targets, allocations and monthly results.

Results carry an author, a state and a history (``ResultRevision``) from the start, so that
entry forms, verification by the host and "as of a past date" figures fit without rework.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import Coalesce, Lag, RowNumber
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.lib import fiscal
from tracker.lib.bilingual import BilingualName, in_active_language
from tracker.lib.converters import validate_code
from tracker.lib.expressions import among, among_values, in_subquery
from tracker.lib.limits import text_within
from tracker.lib.natural_keys import NaturalKey, NaturalKeyQuerySet
from tracker.org.models import PolicyDimension, Unit, refuse_deleting_what_history_names
from tracker.targets import history, rules
from tracker.targets.rules import NOTE_LENGTH, note_error  # noqa: F401 (the models' names for them)


class Policy(NaturalKey, BilingualName, models.Model):
    """One of the Governor's policies; some carry urgent targets."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[validate_code])
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    dimension = models.ForeignKey(
        PolicyDimension, verbose_name=_("policy dimension"), on_delete=models.PROTECT, related_name="policies",
    )

    objects = NaturalKeyQuerySet.as_manager()
    NATURAL_KEY = ("code",)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self):
        return self.name


class Measure(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative (monthly results are summed)")
    LEVEL = "level", _("Level (the latest report is the current value)")


class UnitOfMeasure(models.TextChoices):
    TREES = "trees", _("trees")
    PARKS = "parks", _("parks")
    TONNES = "tonnes", _("tonnes")
    POINTS = "points", _("points")
    PERCENT = "percent", _("%")
    PROJECTS = "projects", _("projects")
    PEOPLE = "people", _("people")
    KILOMETRES = "km", _("km")
    ITEMS = "items", _("items")


class TargetQuerySet(NaturalKeyQuerySet):
    def for_pages(self):
        return self.select_related("host", "parent", "policy")

    def family(self, code):
        """The target ``code`` and its sub-targets, in one query (none if there is no such target).

        By index on either side of the ``OR`` (``among``): the parent's code read through the join
        would make PostgreSQL scan every target (3 ms at city scale, 0.2 ms this way)."""
        return self.filter(Q(code=code) | among("parent", self.model.objects.filter(code=code).values("pk"), using=self.db))

    def fiscal_years(self):
        return list(self.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())

    def active_in(self, month):
        """Targets whose period includes any day of ``month``."""
        return self.filter(start_date__lte=fiscal.month_end(month), deadline__gte=fiscal.month_start(month))

    def carried_by(self, unit, month):
        """The targets ``unit`` reports on in ``month`` (``rules.reports_on``)."""
        return self.active_in(month).filter(rules.reports_on(unit)).distinct()

    def as_they_stood(self, targets, day):
        """``targets`` with the figures' fields (value, baseline, thresholds, period, …) as they stood
        at the end of ``day`` (``history.as_they_stood``; a target entered since, for a past year,
        as it is)."""
        return history.as_they_stood(targets, day, Target.FIGURE_FIELDS, missing="keep")

    def year_in_view(self, as_of):
        """The fiscal year to show on ``as_of``: the latest one with a target started by then."""
        latest = self.filter(start_date__lte=as_of).aggregate(year=models.Max("fiscal_year"))["year"]
        return latest or fiscal.fiscal_year(as_of)


class Target(NaturalKey, BilingualName, models.Model):
    """A measurable urgent target, owned by a host bureau, possibly shared out to districts."""

    HISTORY_AS_OF = True  # pages read it as of a day (tracker.targets.history)

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, null=True, blank=True, related_name="targets",
    )
    host = models.ForeignKey(
        Unit, verbose_name=_("host bureau"), on_delete=models.PROTECT, related_name="hosted_targets",
        limit_choices_to=~Q(kind=Unit.Kind.DISTRICT),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent target"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    unit_of_measure = models.CharField(pgettext_lazy("measure", "unit"), max_length=20, choices=UnitOfMeasure.choices)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    measure = models.CharField(_("how results combine"), max_length=20, choices=Measure.choices)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=3)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (BE)"), null=True, blank=True,
        help_text=_("Fills the start and deadline when they are left empty."),
    )
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=3, null=True, blank=True,
        help_text=_(
            "Level targets only: the level at the start of the period. Left empty, it is computed from "
            "the districts' first reports."
        ),
    )
    band_high = models.DecimalField(
        _("upper band threshold (%)"), max_digits=5, decimal_places=2, default=100,
        # xgettext:no-python-format
        help_text=_("A district at or above this % of its allocation is in the top band."),
    )
    band_low = models.DecimalField(
        _("lower band threshold (%)"), max_digits=5, decimal_places=2, default=50,
        # xgettext:no-python-format
        help_text=_("A district below this % of its allocation is in the bottom band."),
    )
    districts_carry = models.BooleanField(
        _("shared out to districts"), default=True,
        help_text=_("On: each district office has an allocation and reports. Off: the host reports."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source_note_th = models.CharField(
        _("source of the figures (Thai)"), max_length=400, blank=True,
        help_text=_("Shown under the figures, e.g. that a per-district split is demo data."),
    )
    source_note_en = models.CharField(_("source of the figures (English)"), max_length=400, blank=True)

    objects = TargetQuerySet.as_manager()
    NATURAL_KEY = ("code",)
    history = HistoricalRecords(excluded_fields=["sort_order"])
    # What a figure depends on: read as it stood on the day a figure is computed for.
    FIGURE_FIELDS = [
        "target_value", "baseline", "band_low", "band_high", "start_date", "deadline", "measure",
        "decimals", "districts_carry", "unit_of_measure",
    ]

    class Meta:
        ordering = ["host__code", "sort_order", "code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="target_value_positive"),
            models.CheckConstraint(condition=Q(deadline__gt=F("start_date")), name="target_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(band_low__gt=0) & Q(band_low__lt=F("band_high")), name="target_bands_ordered",
            ),
            models.CheckConstraint(condition=Q(decimals__lte=3), name="target_decimals_max_3"),
            models.CheckConstraint(
                condition=~Q(unit_of_measure="percent") | Q(target_value__lte=100), name="target_percent_at_most_100",
            ),
            # A cumulative target counts from zero; only a level starts from somewhere.
            models.CheckConstraint(
                condition=Q(baseline__isnull=True)
                | (Q(measure="level") & Q(baseline__gte=0) & Q(baseline__lt=F("target_value"))),
                name="target_baseline_level_below_target",
            ),
        ]
        indexes = [models.Index(fields=["host", "sort_order"], name="target_host_order_idx")]

    @property
    def source_note(self):
        """The source note in the active language, falling back to Thai."""
        return in_active_language(self.source_note_th, self.source_note_en)

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.fiscal_year and not (self.start_date and self.deadline):
            start, end = fiscal.fiscal_year_bounds(self.fiscal_year)
            self.start_date = self.start_date or start
            self.deadline = self.deadline or end
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A target cannot be its own parent.")})
        if self.host_id and self.host.is_district:
            raise ValidationError({"host": _("The host must be a bureau, not a district office.")})
        if self.baseline is not None:
            if self.measure != Measure.LEVEL:
                raise ValidationError({"baseline": _("Only a level target has a baseline; a cumulative one counts from zero.")})
            if self.target_value is not None and not (0 <= self.baseline < self.target_value):
                raise ValidationError({"baseline": _("The baseline must be at least 0 and below the target value.")})

    def reporting_error(self, unit):
        """Why ``unit`` may not report on this target, or None if it may (``rules.reporting_error``)."""
        return rules.reporting_error(self, unit, self.allocations.filter(unit=unit).exists())

    def first_period(self):
        return fiscal.month_start(self.start_date)

    def last_period(self):
        return fiscal.month_start(self.deadline)

    @property
    def is_percentage(self):
        return self.unit_of_measure == UnitOfMeasure.PERCENT

    @property
    def is_level(self):
        return self.measure == Measure.LEVEL


# A target named in history (an allocation since removed, an OKR since moved to another target,
# a sub-target's or a meeting's record) is not deleted; current rows are protected by their keys.
pre_delete.connect(refuse_deleting_what_history_names, sender=Target, dispatch_uid="keep_history_Target")


class AllocationQuerySet(NaturalKeyQuerySet):
    def as_of(self, day, targets=None):
        """The allocations as they stood at the end of ``day``: (target id, unit id, value) rows,
        from each row's latest history record by then (``history.records_as_of``), in one query.
        Narrow it with ``targets`` (ids, targets or a queryset): a filter made before would miss the
        rows removed since, so it is refused.
        """
        if self.query.has_filters():
            raise TypeError("Allocation.objects.as_of(day, targets=…): narrow it with targets, not a filter before.")
        within = None if targets is None else among_values("target", [getattr(t, "pk", t) for t in targets], using=self.db)
        return history.records_as_of(Allocation, day, within=within).values_list("target", "unit", "value")


class Allocation(NaturalKey, models.Model):
    """A unit's share of a target (ค่าเป้าหมายรายเขต)."""

    HISTORY_AS_OF = True  # pages read it as of a day (tracker.targets.history)

    # PROTECT: an allocation is part of a target's history; the target cannot take it along.
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="allocations")
    unit = models.ForeignKey(Unit, verbose_name=pgettext_lazy("organisation", "unit"), on_delete=models.PROTECT, related_name="allocations")
    value = models.DecimalField(_("allocation"), max_digits=14, decimal_places=3)

    objects = AllocationQuerySet.as_manager()
    NATURAL_KEY = ("target__code", "unit__code")
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "unit__code"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="allocation_unique_target_unit"),
            models.CheckConstraint(condition=Q(value__gte=0), name="allocation_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit.code}: {self.value}"


class ClosedMonth(NaturalKey, models.Model):
    """A month closed for reporting: no result of it changes until a coordinator reopens it."""

    HISTORY_AS_OF = True  # pages read it as of a day (tracker.targets.history)

    period = models.DateField(_("month"), unique=True, help_text=_("The first day of the month closed."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)

    objects = NaturalKeyQuerySet.as_manager()
    NATURAL_KEY = ("period",)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")

    def __str__(self):
        return fiscal.format_month(self.period, get_language() or "th")


class ResultQuerySet(NaturalKeyQuerySet):
    def as_of(self, day):
        """Results as they stood at the end of ``day``, with ``value_then`` and ``state_then``.

        Kept: months up to ``day``'s month, recorded by the end of ``day``. A result changed since
        takes its value and state from the latest revision recorded by then; one unchanged since
        (nearly all, and every one when ``day`` is today) takes its own, so the revision table is
        read only for rows changed after the date. A row changed since with no revision by then
        (written in bulk, bypassing the recording function) can only be read as it is now.
        Aggregate ``value_then`` and filter on ``state_then``, never ``value`` or ``state``.
        """
        end = fiscal.end_of_day(day)
        then = ResultRevision.objects.filter(result=OuterRef("pk"), changed_at__lt=end).order_by("-changed_at", "-pk")
        decimal = models.DecimalField(max_digits=14, decimal_places=3)
        text = models.CharField(max_length=20)
        return self.filter(period__lte=fiscal.month_start(day), entered_at__lt=end).annotate(
            value_then=Case(
                When(updated_at__lt=end, then=F("value")),
                default=Coalesce(Subquery(then.values("value")[:1]), F("value"), output_field=decimal),
                output_field=decimal,
            ),
            state_then=Case(
                When(updated_at__lt=end, then=F("state")),
                default=Coalesce(Subquery(then.values("state")[:1]), F("state"), output_field=text), output_field=text,
            ),
        )

    def counted(self):
        """Of ``as_of`` rows, those that count in a figure: submitted or verified then."""
        return self.filter(state_then__in=Result.COUNTED_STATES)

    def reported_districts(self, targets, month):
        """{target id: number of districts with a result of ``month``} among these rows (e.g.
        ``as_of(day).counted()``), in one query: the counts the pages link to the compliance page with."""
        rows = (
            self.filter(period=month, target__in=targets, unit__kind=Unit.Kind.DISTRICT)
            .order_by().values("target").annotate(n=models.Count("unit", distinct=True))
        )
        return {row["target"]: row["n"] for row in rows}


class Result(NaturalKey, models.Model):
    """One unit's result for one target in one month (ผลการดำเนินงานรายเดือน).

    For a cumulative target the value is what was done that month; for a level target it is the
    level at the end of that month. Written only through
    :func:`tracker.targets.recording.record_result`, which validates it and keeps its history.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        VERIFIED = "verified", _("Verified by host")
        RETURNED = "returned", _("Returned for correction")
        # Deleting keeps the row and its history, so a figure "as of" before the deletion still has it.
        DELETED = "deleted", _("Deleted")

    # Drafts, returned and deleted results never count in a figure.
    COUNTED_STATES = tuple(map(State, rules.COUNTED_STATES))

    # PROTECT: a result is deleted only through ``delete_result``, which keeps it (state "deleted").
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(Unit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="results")
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    # Copied from the target so that the database itself can keep a percentage within 0–100.
    is_percentage = models.BooleanField(_("percentage"), default=False, editable=False)
    note = models.TextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="results_entered", editable=False,
    )
    # Set by the server when the result is first recorded; never typed, so "as of" cannot be backdated.
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    # When the value or state last changed: a figure "as of" an earlier day reads that day's revision.
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="results_verified", editable=False,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)

    objects = ResultQuerySet.as_manager()
    NATURAL_KEY = ("target__code", "unit__code", "period")

    class Meta:
        ordering = ["target", "unit__code", "period"]
        verbose_name = _("monthly result")
        verbose_name_plural = _("monthly results")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="result_unique_target_unit_month"),
            models.CheckConstraint(condition=Q(value__gte=0), name="result_value_not_negative"),
            models.CheckConstraint(
                condition=Q(is_percentage=False) | Q(value__lte=100), name="result_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=~Q(state="verified") | Q(verified_at__isnull=False), name="result_verified_has_time",
            ),
            models.CheckConstraint(condition=Q(updated_at__gte=F("entered_at")), name="result_changed_after_entered"),
            text_within("note", NOTE_LENGTH, "result_note_length"),
        ]
        indexes = [
            models.Index(fields=["target", "period"], name="result_target_period_idx"),
            models.Index(fields=["unit", "period"], name="result_unit_period_idx"),
            # PostgreSQL: every column the figures read (as of a day: value, state, when it was
            # entered and changed) in (target, unit, period) order, so that counting a year's results
            # is an index-only scan with no sort (the overview at city scale: 82,000 rows in 27 ms,
            # where a bitmap scan and a sort spilled to disk took 55–100 ms). SQLite ignores an
            # index with ``include`` (the unique constraint above is a separate index: it stays).
            models.Index(
                fields=["target", "unit", "period"], include=["id", "value", "state", "updated_at", "entered_at"],
                name="result_counting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit.code} · {self.period:%Y-%m}: {self.value}"

    @property
    def counts(self):
        return self.state in self.COUNTED_STATES

    def clean(self):
        """The rules every result obeys, whoever writes it (form, admin, import)."""
        errors = {}
        if self.period:
            self.period = fiscal.month_start(self.period)
        target = self.target if self.target_id else None
        if target and self.period:
            closed = ClosedMonth.objects.filter(period=self.period).exists()
            if error := rules.period_error(target, self.period, closed, timezone.localdate()):
                errors["period"] = error
        if target and self.unit_id:
            if error := target.reporting_error(self.unit):
                errors["unit"] = error
        if error := note_error(self.note):
            errors["note"] = error
        if target and isinstance(self.value, Decimal) and self.value.is_finite():
            if error := rules.value_error(target, self.value):
                errors["value"] = error
        if errors:
            raise ValidationError(errors)

    def save(self, *args, recording=False, **kwargs):
        # History is written with every change by the recording function; a save from anywhere
        # else would change a figure without a trace.
        if not recording:
            raise RuntimeError("Results are written through tracker.targets.recording.record_result().")
        self.is_percentage = self.target.is_percentage
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Results are deleted through tracker.targets.recording.delete_result(), which keeps their history.")


class ResultRevisionQuerySet(NaturalKeyQuerySet):
    def history_for(self, target=None, unit=None, period=None, since=None, as_of=None, limit=50, units=()):
        """The public history of results, newest first: who entered, changed, verified or returned what, and when.

        ``target`` (one or several), ``unit`` and ``period`` (a month) narrow it; ``since`` keeps the
        changes made from that moment on, ``as_of`` those made by the end of that day; ``limit`` keeps
        the most recent (None: all). Each revision carries ``previous_value`` and ``previous_state``
        (None for the first) and ``total``, the number of revisions matching before the limit.

        Drafts are the reporting unit's own: their revisions are left out before the previous value is
        taken, so a submitted value follows the last public one, never a draft.

        A list, in two queries (one when nothing matches): the windows over the narrow revision rows
        alone (no join, no wide sort), then the
        chosen revisions with their result and author (one query joining all of them for every
        matching revision took twice as long). Each result's target and unit are the objects given
        (``target``, ``unit``, and ``units``: units the caller already holds); any other is read in
        one more query.
        """
        if self.query.has_filters():
            raise TypeError("ResultRevision.objects.history_for(…): narrow it with its arguments, not a filter before.")
        many = isinstance(target, (list, tuple, set, models.QuerySet))
        targets = list(target) if many else [target] if target is not None else []
        windows = {
            pk: rest for pk, *rest in _history_windows(
                targets=[getattr(t, "pk", t) for t in targets] if target is not None else None,
                unit=getattr(unit, "pk", unit), period=fiscal.month_start(period) if period is not None else None,
                since=since, day=as_of, limit=limit,
            )
        }
        if not windows:
            return []
        chosen = list(
            ResultRevision.objects.filter(among_values("pk", list(windows))).select_related("changed_by", "result")
            .order_by("-changed_at", "-pk")
        )
        known_targets = {t.pk: t for t in targets if isinstance(t, Target)}
        known_units = {u.pk: u for u in (*units, unit) if isinstance(u, Unit)}
        missing_targets = {r.result.target_id for r in chosen} - set(known_targets)
        missing_units = {r.result.unit_id for r in chosen} - set(known_units)
        if missing_targets:
            known_targets.update(Target.objects.in_bulk(missing_targets))
        if missing_units:
            known_units.update(Unit.objects.in_bulk(missing_units))
        for revision in chosen:
            revision.previous_value, revision.previous_state, revision.total = windows[revision.pk]
            result = revision.result
            result.target, result.unit = known_targets[result.target_id], known_units[result.unit_id]
        return chosen


def _history_windows(targets, unit, period, since, day, limit):
    """The revisions of ``history_for`` with their windows: (id, previous value, previous state, total);
    each argument None where the history is not narrowed by it."""
    revisions = ResultRevision.objects.order_by().exclude(state=Result.State.DRAFT)
    # The results are chosen first, by their own indexes, and their revisions then read by
    # result id (``in_subquery``). Joined, the planner may walk every result in id order to meet
    # a few revisions (70–150 ms at city scale, where most results have no revision).
    results = Result.objects.order_by()
    if targets is not None:
        results = results.filter(among_values("target", targets))
    if unit is not None:
        results = results.filter(unit=unit)
    if period is not None:
        results = results.filter(period=period)
    if targets is not None or unit is not None or period is not None:
        revisions = in_subquery(revisions, "result", results.values("pk"))
    if day is not None:
        revisions = revisions.filter(changed_at__lt=fiscal.end_of_day(day))
    # ``since`` cannot be a WHERE on ``changed_at``: the first change after it would lose its
    # previous value. It counts the revisions since, and keeps as many of the newest.
    per_result = {"partition_by": [F("result")], "order_by": [F("changed_at").asc(), F("pk").asc()]}
    revisions = revisions.annotate(
        previous_value=Window(Lag("value"), **per_result), previous_state=Window(Lag("state"), **per_result),
        position=Window(RowNumber(), order_by=[F("changed_at").desc(), F("pk").desc()]),
        total=Window(Count("pk", filter=Q(changed_at__gte=since) if since is not None else None)),
    ).filter(position__lte=F("total"))
    if limit is not None:
        revisions = revisions.filter(position__lte=limit)
    return revisions.values_list("pk", "previous_value", "previous_state", "total")


class ResultRevision(NaturalKey, models.Model):
    """One saved version of a result: what it said, who changed it, and when."""

    # PROTECT: a result with a revision can no longer be deleted, even in bulk (``Result.delete`` refuses one at a time).
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.PROTECT, related_name="revisions")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    note = models.TextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=Result.State.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # The server's time of recording: "as of" a day reads the revisions recorded by then.
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)
    # Why, where a change needs one: the reason a result was returned for correction.
    comment = models.TextField(_("comment"), max_length=NOTE_LENGTH, blank=True)

    objects = ResultRevisionQuerySet.as_manager()
    NATURAL_KEY = ("result__target__code", "result__unit__code", "result__period", "changed_at")

    class Meta:
        ordering = ["result", "-changed_at"]
        verbose_name = _("result revision")
        verbose_name_plural = _("result revisions")
        indexes = [models.Index(fields=["result", "changed_at"], name="revision_result_time_idx")]
        constraints = [
            text_within("note", NOTE_LENGTH, "revision_note_length"),
            text_within("comment", NOTE_LENGTH, "revision_comment_length"),
        ]

    def __str__(self):
        return f"{self.result} @ {self.changed_at:%Y-%m-%d %H:%M}"

    ACTIONS = {
        "reported": _("Reported"),
        "changed": _("Changed"),
        "resubmitted": _("Corrected and submitted again"),
        "verified": _("Verified"),
        "returned": _("Returned for correction"),
        "deleted": _("Deleted"),
    }

    @property
    def action(self):
        """What this change did, read from its state and the previous one (``history_for`` gives it)."""
        previous = getattr(self, "previous_state", None)
        if self.state in (Result.State.VERIFIED, Result.State.RETURNED, Result.State.DELETED):
            return self.state
        if previous in (None, Result.State.DELETED):
            return "reported"
        return "resubmitted" if previous == Result.State.RETURNED else "changed"

    @property
    def action_label(self):
        return self.ACTIONS[self.action]

    @property
    def value_changed(self):
        previous = getattr(self, "previous_value", None)
        return previous is not None and previous != self.value


class HeldFrom(NaturalKey, models.Model):
    """The day a fixture's rows held from, said by the fixture before its rows: each row of a
    history-kept model loaded after it starts its history on that day (``tracker.targets.history``)."""

    fixture = models.CharField(_("fixture"), max_length=100, unique=True)
    day = models.DateField(_("held from"))

    objects = NaturalKeyQuerySet.as_manager()
    NATURAL_KEY = ("fixture",)

    class Meta:
        verbose_name = _("fixture's first day")
        verbose_name_plural = _("fixtures' first days")

    def __str__(self):
        return f"{self.fixture}: {self.day.isoformat()}"


post_save.connect(history.declared, sender=HeldFrom, dispatch_uid="held_from_declared")
pre_save.connect(history.loading, dispatch_uid="history_loading")
post_save.connect(history.loaded, dispatch_uid="history_loaded")
m2m_changed.connect(history.bound_when_loaded, dispatch_uid="history_bound_when_loaded")
