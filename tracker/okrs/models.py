"""OKRs (objective + key result) of a unit, linked to a target, and projects bound to them.

Both keep their history (django-simple-history; a project's history also keeps the OKRs it was
bound to), so that the summaries can be shown as they stood on a past day. They are written
through :mod:`tracker.okrs.recording`.
"""
from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.lib.bilingual import BilingualName
from tracker.lib.converters import validate_code
from tracker.lib.limits import plausible_day, text_within
from tracker.lib.natural_keys import NaturalKey, NaturalKeyQuerySet
from tracker.org.models import Unit
from tracker.targets.history import as_they_stood, records_as_of
from tracker.targets.models import Target


def bound_then(day, ref):
    """A condition: the OKR whose id is ``OuterRef(ref)`` was bound to a project at the end of ``day``."""
    return Exists(project_okr_history().objects.filter(history__in=records_as_of(Project, day), okr=OuterRef(ref)))


def bindings_as_of(day):
    """(OKR id, project id) of every binding as it stood at the end of ``day``, in one query."""
    return project_okr_history().objects.filter(history__in=records_as_of(Project, day)).values_list("okr", "project")


def project_okr_history():
    """The history model of projects' OKR bindings (one row per OKR of each project history record)."""
    return apps.get_model("okrs", "HistoricalProject_okrs")


def _refuse_filters(queryset):
    if queryset.query.has_filters():
        # A filter on today's rows would miss what was changed or removed since the day.
        raise TypeError("summary_by_unit(units, as_of=…): narrow it with its arguments, not a filter before.")


class OkrQuerySet(NaturalKeyQuerySet):
    def with_binding(self):
        bound = Project.okrs.through.objects.filter(okr=OuterRef("pk"))
        return self.annotate(is_bound=Exists(bound), project_count=Count("projects", distinct=True))

    def summary_by_unit(self, units, as_of=None, fiscal_year=None):
        """OKR counts per owner unit: {unit_id: {"okrs": n, "bound": n}}.

        Today's state in one query; with ``as_of`` (a day), each OKR and each project's bindings
        as they stood at its end, read from their history (rows without history as they are now,
        rows created since left out), in one query.
        """
        units = [getattr(u, "pk", u) for u in units]
        if as_of is None:
            bound = Project.okrs.through.objects.filter(okr=OuterRef("pk"))
            rows = self.filter(unit__in=units)
            if fiscal_year is not None:
                rows = rows.filter(fiscal_year=fiscal_year)
            rows = (
                rows.annotate(is_bound=Exists(bound)).order_by().values("unit")
                .annotate(okrs=Count("pk"), bound=Count("pk", filter=Q(is_bound=True)))
            )
            return {row["unit"]: {"okrs": row["okrs"], "bound": row["bound"]} for row in rows}
        _refuse_filters(self)
        rows = records_as_of(Okr, as_of).filter(unit__in=units)
        if fiscal_year is not None:
            rows = rows.filter(fiscal_year=fiscal_year)
        rows = (
            rows.annotate(is_bound=bound_then(as_of, "id")).values("unit")
            .annotate(okrs=Count("id"), bound=Count("id", filter=Q(is_bound=True)))
        )
        return {row["unit"]: {"okrs": row["okrs"], "bound": row["bound"]} for row in rows}

    def as_they_stood(self, day):
        """The OKRs of this queryset as they stood at the end of ``day`` (``history.as_they_stood``),
        with ``is_bound`` and ``project_count`` from the projects' bindings then and ``target`` as it
        stood then. OKRs created since are left out. A constant number of queries."""
        okrs = as_they_stood(self.select_related("unit", "target"), day, Okr.HISTORY_FIELDS)
        projects = {}
        for okr_id, project_id in bindings_as_of(day):
            projects.setdefault(okr_id, set()).add(project_id)
        targets = {t.pk: t for t in Target.objects.as_they_stood(Target.objects.filter(pk__in={o.target_id for o in okrs}), day)}
        for okr in okrs:
            okr.target = targets.get(okr.target_id)
            okr.project_count = len(projects.get(okr.pk, ()))
            okr.is_bound = bool(okr.project_count)
        return okrs


class Okr(NaturalKey, BilingualName, models.Model):
    """An objective and key result of one unit, linked to the target it serves."""

    HISTORY_AS_OF = True  # pages read it as of a day (tracker.targets.history)

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="okrs")
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, null=True, blank=True, related_name="okrs",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    name_th = models.CharField(_("objective and key result (Thai)"), max_length=400)
    name_en = models.CharField(_("objective and key result (English)"), max_length=400, blank=True)
    key_result_start = models.DecimalField(
        _("key result: starting value"), max_digits=14, decimal_places=3, null=True, blank=True,
    )
    key_result_target = models.DecimalField(
        _("key result: target value"), max_digits=14, decimal_places=3, null=True, blank=True,
    )

    objects = OkrQuerySet.as_manager()
    NATURAL_KEY = ("code",)
    history = HistoricalRecords()

    # The fields a page shows as they stood on a past day (see ``OkrQuerySet.as_they_stood``).
    HISTORY_FIELDS = ("target_id", "fiscal_year", "name_th", "name_en", "key_result_start", "key_result_target")

    class Meta:
        ordering = ["unit__code", "code"]
        verbose_name = _("OKR")
        verbose_name_plural = _("OKRs")
        indexes = [models.Index(fields=["unit", "fiscal_year"], name="okr_unit_year_idx")]
        constraints = [
            text_within("name_th", 400, "okr_name_th_length"), text_within("name_en", 400, "okr_name_en_length"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class ProjectQuerySet(NaturalKeyQuerySet):
    def summary_by_unit(self, units, as_of=None):
        """Project counts per owner unit: {unit_id: {"projects": n, "reported": n, <status>: n, …}}.

        Today's state in one query; with ``as_of`` (a day), each project as it stood at its end,
        read from its history (projects without history as they are now, projects created since
        left out), in one query.
        """
        units = [getattr(u, "pk", u) for u in units]
        if as_of is None:
            rows = self.filter(unit__in=units).order_by().values("unit").annotate(
                projects=Count("pk"), reported=Count("pk", filter=Q(last_reported_on__isnull=False)),
                **{status: Count("pk", filter=Q(status=status)) for status in Project.Status.values},
            )
            return {row.pop("unit"): row for row in rows}
        _refuse_filters(self)
        rows = records_as_of(Project, as_of).filter(unit__in=units).values("unit").annotate(
            projects=Count("id"), reported=Count("id", filter=Q(last_reported_on__isnull=False)),
            **{status: Count("id", filter=Q(status=status)) for status in Project.Status.values},
        )
        return {row.pop("unit"): row for row in rows}

    def as_they_stood(self, day):
        """The projects of this queryset as they stood at the end of ``day`` (``history.as_they_stood``),
        with ``bound_okrs``: the OKRs bound then, as they stood then (``OkrQuerySet.as_they_stood``).
        Projects created since are left out. A constant number of queries."""
        projects = as_they_stood(self.select_related("unit"), day, Project.HISTORY_FIELDS)
        bound = {}
        for okr_id, project_id in bindings_as_of(day):
            bound.setdefault(project_id, []).append(okr_id)
        okrs = {o.pk: o for o in Okr.objects.filter(pk__in={o for ids in bound.values() for o in ids}).as_they_stood(day)}
        for project in projects:
            project.bound_okrs = sorted((okrs[o] for o in bound.get(project.pk, ()) if o in okrs), key=lambda o: o.code)
        return projects


class Project(NaturalKey, BilingualName, models.Model):
    """A project or activity (โครงการ/กิจกรรม) of a unit, bound to one or more OKRs."""

    HISTORY_AS_OF = True  # pages read it as of a day (tracker.targets.history)

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="projects")
    okrs = models.ManyToManyField(Okr, verbose_name=_("OKRs"), related_name="projects", blank=True)
    name_th = models.CharField(_("name (Thai)"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    last_reported_on = models.DateField(_("last reported on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("progress (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = ProjectQuerySet.as_manager()
    NATURAL_KEY = ("code",)
    history = HistoricalRecords(m2m_fields=[okrs])

    # The fields a page shows as they stood on a past day (see ``ProjectQuerySet.as_they_stood``).
    HISTORY_FIELDS = ("name_th", "name_en", "status", "progress", "last_reported_on")

    class Meta:
        ordering = ["unit__code", "code"]
        verbose_name = _("project / activity")
        verbose_name_plural = _("projects / activities")
        indexes = [models.Index(fields=["unit", "status"], name="project_unit_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100), name="project_progress_0_100",
            ),
            plausible_day("last_reported_on", "project_last_reported_on_plausible"),
            text_within("name_th", 400, "project_name_th_length"), text_within("name_en", 400, "project_name_en_length"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
