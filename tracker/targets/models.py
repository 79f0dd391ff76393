"""Policies, targets, allocations and monthly results.

Results carry an author, a state and a history (``ResultRevision``) from the start, so that
entry forms, verification by the host and "as of a past date" figures fit without rework.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracker.lib import fiscal
from tracker.org.models import BilingualName, PolicyDimension, Unit, in_active_language


class PolicyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Policy(BilingualName, models.Model):
    """One of the Governor's policies; some carry urgent targets."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    dimension = models.ForeignKey(
        PolicyDimension, verbose_name=_("policy dimension"), on_delete=models.PROTECT,
        related_name="policies",
    )

    objects = PolicyManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Measure(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative (monthly results are summed)")
    LEVEL = "level", _("Level (the latest report is the current value)")


class TargetUnit(models.TextChoices):
    TREES = "trees", _("trees")
    PARKS = "parks", _("parks")
    TONNES = "tonnes", _("tonnes")
    POINTS = "points", _("points")
    PERCENT = "percent", _("%")
    PROJECTS = "projects", _("projects")
    PEOPLE = "people", _("people")
    KILOMETRES = "km", _("km")
    ITEMS = "items", _("items")


class TargetQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def for_pages(self):
        return self.select_related("host", "parent", "policy")

    def top_level(self):
        return self.filter(parent__isnull=True)

    def fiscal_years(self):
        return list(self.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())

    def year_in_view(self, as_of):
        """The fiscal year to show on ``as_of``: the latest one with a target started by then."""
        latest = self.filter(start_date__lte=as_of).aggregate(year=models.Max("fiscal_year"))["year"]
        return latest or fiscal.fiscal_year(as_of)


class Target(BilingualName, models.Model):
    """A measurable urgent target, owned by a host bureau, possibly shared out to districts."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="targets",
    )
    host = models.ForeignKey(
        Unit, verbose_name=_("host bureau"), on_delete=models.PROTECT, related_name="hosted_targets",
        limit_choices_to=~Q(kind=Unit.Kind.DISTRICT),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent target"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=20, choices=TargetUnit.choices)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    measure = models.CharField(_("how results combine"), max_length=20, choices=Measure.choices)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=3)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (BE)"), null=True, blank=True,
        help_text=_("Fills the start and deadline when they are left empty."),
    )
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
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

    class Meta:
        ordering = ["host__code", "sort_order", "code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="target_value_positive"),
            models.CheckConstraint(condition=Q(deadline__gt=F("start_date")), name="target_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(band_low__gt=0) & Q(band_low__lt=F("band_high")),
                name="target_bands_ordered",
            ),
            models.CheckConstraint(condition=Q(decimals__lte=3), name="target_decimals_max_3"),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(target_value__lte=100),
                name="target_percent_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["host", "sort_order"], name="target_host_order_idx")]

    @property
    def source_note(self):
        """The source note in the active language, falling back to Thai."""
        return in_active_language(self.source_note_th, self.source_note_en)

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.fiscal_year and not (self.start_date and self.deadline):
            start, end = fiscal.fiscal_year_bounds(self.fiscal_year)
            self.start_date = self.start_date or start
            self.deadline = self.deadline or end
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A target cannot be its own parent.")})
        if self.host_id and self.host.is_district:
            raise ValidationError({"host": _("The host must be a bureau, not a district office.")})

    @property
    def is_percentage(self):
        return self.unit == TargetUnit.PERCENT

    @property
    def is_level(self):
        return self.measure == Measure.LEVEL


class AllocationQuerySet(models.QuerySet):
    def get_by_natural_key(self, target_code, unit_code):
        return self.get(target__code=target_code, unit__code=unit_code)


class Allocation(models.Model):
    """A unit's share of a target (ค่าเป้าหมายรายเขต)."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(Unit, verbose_name=pgettext_lazy("organisation", "unit"), on_delete=models.PROTECT, related_name="allocations")
    value = models.DecimalField(_("allocation"), max_digits=14, decimal_places=3)

    objects = AllocationQuerySet.as_manager()

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

    # Natural keys let `loaddata` update the same rows when a fixture is loaded again.
    def natural_key(self):
        return self.target.natural_key() + self.unit.natural_key()

    natural_key.dependencies = ["targets.target", "org.unit"]


class ResultQuerySet(models.QuerySet):
    def get_by_natural_key(self, target_code, unit_code, period):
        return self.get(target__code=target_code, unit__code=unit_code, period=period)

    def as_of(self, day):
        """Results as they stood at the end of ``day``, with their value then as ``value_then``.

        Kept: months up to ``day``'s month, entered by the end of ``day``. A result changed since
        takes its value from the latest revision saved by then; one unchanged since (nearly all,
        and every one when ``day`` is today) takes its own value, so the revision table is read
        only for rows corrected after the date. A row changed since with no revision by then
        (written in bulk, bypassing ``save()``) can only be read as it is now. Aggregate
        ``value_then``, never ``value``.
        """
        end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
        then = ResultRevision.objects.filter(result=OuterRef("pk"), changed_at__lt=end).order_by("-changed_at", "-pk")
        decimal = models.DecimalField(max_digits=14, decimal_places=3)
        return self.filter(period__lte=fiscal.month_start(day), entered_at__lt=end).annotate(value_then=Case(
            When(updated_at__lt=end, then=F("value")),
            default=Coalesce(Subquery(then.values("value")[:1]), F("value"), output_field=decimal),
            output_field=decimal,
        ))


class Result(models.Model):
    """One unit's result for one target in one month (ผลการดำเนินงานรายเดือน).

    For a cumulative target the value is what was done that month; for a level target it is the
    level at the end of that month. Every save leaves a ``ResultRevision``.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified by host")
        RETURNED = "returned", _("Returned for correction")

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="results")
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    # Copied from the target so that the database itself can keep a percentage within 0–100.
    is_percentage = models.BooleanField(_("percentage"), default=False, editable=False)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="results_entered",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    # When the value last changed: a figure "as of" an earlier day reads that day's revision instead.
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now, editable=False)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["target", "unit__code", "period"]
        verbose_name = _("monthly result")
        verbose_name_plural = _("monthly results")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="result_unique_target_unit_month"),
            models.CheckConstraint(condition=Q(value__gte=0), name="result_value_not_negative"),
            models.CheckConstraint(
                condition=Q(is_percentage=False) | Q(value__lte=100),
                name="result_percentage_at_most_100",
            ),
        ]
        indexes = [
            models.Index(fields=["target", "period"], name="result_target_period_idx"),
            models.Index(fields=["unit", "period"], name="result_unit_period_idx"),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit.code} · {self.period:%Y-%m}: {self.value}"

    def natural_key(self):
        return self.target.natural_key() + self.unit.natural_key() + (self.period.isoformat(),)

    natural_key.dependencies = ["targets.target", "org.unit"]

    def clean(self):
        if self.period:
            self.period = self.period.replace(day=1)
        if self.target_id and self.value is not None:
            if self.target.is_percentage and not (0 <= self.value <= 100):
                raise ValidationError({"value": _("A percentage must be between 0 and 100.")})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("A result cannot be negative.")})

    def save(self, *args, **kwargs):
        """Save and record the version in the history. The first version is dated when the result
        was entered (which may be set to the past, for results carried over from paper); later
        ones when they are saved."""
        self.is_percentage = self.target.is_percentage
        self.updated_at = self.entered_at if self._state.adding else timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at", "is_percentage"}
        super().save(*args, **kwargs)
        ResultRevision.objects.create(
            result=self, value=self.value, note=self.note, state=self.state,
            changed_by=self.entered_by, changed_at=self.updated_at,
        )


class ResultRevisionQuerySet(models.QuerySet):
    def get_by_natural_key(self, target_code, unit_code, period, changed_at):
        return self.get(
            result__target__code=target_code, result__unit__code=unit_code, result__period=period, changed_at=changed_at,
        )


class ResultRevision(models.Model):
    """One saved version of a result: what it said, who changed it, and when."""

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=Result.State.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = ResultRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["result", "-changed_at"]
        verbose_name = _("result revision")
        verbose_name_plural = _("result revisions")
        indexes = [models.Index(fields=["result", "changed_at"], name="revision_result_time_idx")]

    def __str__(self):
        return f"{self.result} @ {self.changed_at:%Y-%m-%d %H:%M}"

    def natural_key(self):
        return self.result.natural_key() + (self.changed_at.isoformat(),)

    natural_key.dependencies = ["targets.result"]
