"""Zone groups, and the units of the BMA: bureaus and district offices.

Both kinds of unit live in one table (``Unit``) because every later model — allocations,
monthly results, OKRs, projects, memberships — points at "a unit" whichever its kind.
``Bureau`` and ``District`` are proxies that keep each kind's queries and admin apart.
"""
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import ProtectedError, Q
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracker.lib.bilingual import BilingualName
from tracker.lib.converters import validate_code
from tracker.lib.natural_keys import NaturalKey, NaturalKeyQuerySet


class PolicyDimension(NaturalKey, BilingualName, models.Model):
    """One of the Governor's nine policy dimensions ("9 ดี")."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    objects = NaturalKeyQuerySet.as_manager()
    NATURAL_KEY = ("number",)

    class Meta:
        ordering = ["number"]
        verbose_name = _("policy dimension")
        verbose_name_plural = _("policy dimensions")

    def __str__(self):
        return self.name


class Zone(NaturalKey, BilingualName, models.Model):
    """A zone group (กลุ่มเขต) of district offices, with its chair."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    objects = NaturalKeyQuerySet.as_manager()
    NATURAL_KEY = ("number",)

    class Meta:
        ordering = ["number"]
        verbose_name = _("zone group")
        verbose_name_plural = _("zone groups")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="zone_number_positive"),
        ]

    def __str__(self):
        return self.name


class UnitQuerySet(NaturalKeyQuerySet):
    def districts(self):
        return self.filter(kind=Unit.Kind.DISTRICT)

    def bureaus(self):
        return self.exclude(kind=Unit.Kind.DISTRICT)


class Unit(NaturalKey, BilingualName, models.Model):
    """A BMA unit that can host targets, carry allocations, report results and own OKRs."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department (bureau)")
        OFFICE = "office", _("Office")
        OTHER = "other_unit", _("Other unit")
        DISTRICT = "district", _("District office")

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[validate_code],
        help_text=_("DOPA code for a district (1001–1050); a short code for a bureau, e.g. ENV."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    abbrev_th = models.CharField(_("abbreviation (Thai)"), max_length=40, blank=True)
    english_name_verified = models.BooleanField(
        _("English name verified"), default=True,
        help_text=_("Off where the English name is seen in use but not on an official page."),
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone group"), on_delete=models.PROTECT, null=True, blank=True, related_name="units",
    )

    objects = UnitQuerySet.as_manager()
    NATURAL_KEY = ("code",)

    class Meta:
        ordering = ["code"]
        verbose_name = pgettext_lazy("organisation", "unit")
        verbose_name_plural = pgettext_lazy("organisation", "units")
        constraints = [
            # A district belongs to exactly one zone group; a bureau to none.
            models.CheckConstraint(
                condition=(Q(kind="district") & Q(zone__isnull=False)) | (~Q(kind="district") & Q(zone__isnull=True)),
                name="unit_zone_iff_district",
            ),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="unit_kind_code_idx")]

    def __str__(self):
        return self.name

    @property
    def is_district(self):
        return self.kind == self.Kind.DISTRICT

    @property
    def short_name(self):
        """The district's name without the เขต prefix, for charts and tiles."""
        name = self.name
        if self.is_district and name.startswith("เขต"):
            return name[3:]
        return name


class DistrictManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Unit.Kind.DISTRICT)


class BureauManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return super().get_queryset().exclude(kind=Unit.Kind.DISTRICT)


class District(Unit):
    """A district office (สำนักงานเขต)."""

    objects = DistrictManager()

    class Meta:
        proxy = True
        ordering = ["code"]
        verbose_name = _("district office")
        verbose_name_plural = _("district offices")


class Bureau(Unit):
    """A bureau (สำนัก) or office of the BMA."""

    objects = BureauManager()

    class Meta:
        proxy = True
        ordering = ["code"]
        verbose_name = _("bureau")
        verbose_name_plural = _("bureaus")


def history_naming(instance):
    """The history records (django-simple-history) that name ``instance`` through a foreign key.

    They hold their keys without a database constraint, so deleting ``instance`` would leave them
    pointing at nothing: a figure "as of" a past day would lose a row it counted. One query per
    history model with such a key.
    """
    concrete = instance._meta.concrete_model
    records = []
    for model in apps.get_models():
        if getattr(model, "instance_type", None) is None:  # not a history model
            continue
        for field in model._meta.fields:
            if field.many_to_one and field.related_model is concrete:
                records.extend(model.objects.filter(**{field.attname: instance.pk})[:5])
    return records


def refuse_deleting_what_history_names(sender, instance, **kwargs):
    """A ``pre_delete`` receiver: no unit or target named in a history record is deleted.

    Foreign keys with ``on_delete=PROTECT`` refuse when a current row points at it; this refuses
    when only a history record does (an allocation removed since, a project moved to another unit).
    """
    records = history_naming(instance)
    if records:
        raise ProtectedError(
            f"Cannot delete {instance._meta.verbose_name} {getattr(instance, 'code', instance.pk)}: "
            f"history records name it ({', '.join(sorted({str(r._meta.verbose_name) for r in records}))}), "
            "and figures as of past days read them.",
            set(records),
        )


# A proxy's instances are deleted with the proxy as sender: each kind of unit is guarded.
for _model in (Unit, District, Bureau):
    pre_delete.connect(refuse_deleting_what_history_names, sender=_model, dispatch_uid=f"keep_history_{_model.__name__}")


class Role(models.TextChoices):
    """What a person may do for a unit. Django's superuser is the admin, above every role."""

    REPORTER = "reporter", _("Reporter")
    VERIFIER = "verifier", _("Verifier")
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A person's role in a unit: a reporter of a district office, a verifier of a host bureau, …"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships",
    )
    unit = models.ForeignKey(
        # A role, not a record of what was done: it goes with its unit.
        Unit, verbose_name=pgettext_lazy("organisation", "unit"), on_delete=models.CASCADE, related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["user__username", "unit__code", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_user_unit_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.unit.code} · {self.get_role_display()}"


class Profile(models.Model):
    """What a person chose for themselves: the language of the emails they are sent.

    Set by the site's language switch while logged in (and in the admin); applied again at each log-in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="profile",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the pages at log-in and of the emails this person is sent."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return f"{self.user} · {self.language}"

    @classmethod
    def language_of(cls, user):
        """``user``'s chosen language, the site's default if they chose none."""
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or settings.LANGUAGE_CODE

    @classmethod
    def choose(cls, user, language):
        cls.objects.update_or_create(user=user, defaults={"language": language})
