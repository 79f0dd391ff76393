"""OKRs (objective + key result) of a unit, linked to a target, and projects bound to them."""
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tracker.lib.bilingual import BilingualName
from tracker.lib.converters import validate_code
from tracker.org.models import Unit
from tracker.targets.models import Target


class OkrQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def with_binding(self):
        bound = Project.okrs.through.objects.filter(okr=OuterRef("pk"))
        return self.annotate(is_bound=Exists(bound), project_count=Count("projects", distinct=True))

    def summary_by_unit(self, units):
        """OKR counts per owner unit, in one query: {unit_id: {"okrs": n, "bound": n}}."""
        bound = Project.okrs.through.objects.filter(okr=OuterRef("pk"))
        rows = (
            self.filter(unit__in=units)
            .annotate(is_bound=Exists(bound))
            .values("unit")
            .annotate(okrs=Count("pk"), bound=Count("pk", filter=Q(is_bound=True)))
        )
        return {row["unit"]: {"okrs": row["okrs"], "bound": row["bound"]} for row in rows}


class Okr(BilingualName, models.Model):
    """An objective and key result of one unit, linked to the target it serves."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="okrs")
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, null=True, blank=True, related_name="okrs",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    name_th = models.CharField(_("objective and key result (Thai)"), max_length=400)
    name_en = models.CharField(_("objective and key result (English)"), max_length=400, blank=True)

    objects = OkrQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "code"]
        verbose_name = _("OKR")
        verbose_name_plural = _("OKRs")
        indexes = [models.Index(fields=["unit", "fiscal_year"], name="okr_unit_year_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)


class ProjectQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def summary_by_unit(self, units):
        """Project counts per owner unit, in one query."""
        rows = (
            self.filter(unit__in=units)
            .values("unit")
            .annotate(
                projects=Count("pk"),
                reported=Count("pk", filter=Q(last_reported_on__isnull=False)),
                completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
                in_progress=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
                not_started=Count("pk", filter=Q(status=Project.Status.NOT_STARTED)),
                cancelled=Count("pk", filter=Q(status=Project.Status.CANCELLED)),
            )
        )
        return {row.pop("unit"): row for row in rows}


class Project(BilingualName, models.Model):
    """A project or activity (โครงการ/กิจกรรม) of a unit, bound to one or more OKRs."""

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

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "code"]
        verbose_name = _("project / activity")
        verbose_name_plural = _("projects / activities")
        indexes = [models.Index(fields=["unit", "status"], name="project_unit_status_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)
