"""The reminders sent to units that have not reported a month (the other staff pages own no models)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracker.org.models import Unit


class ReminderQuerySet(models.QuerySet):
    def for_month(self, month):
        return self.filter(month=month).select_related("unit", "sent_by").order_by("-sent_at", "unit__code")

    def recent(self, month, since):
        """Ids of the units reminded of ``month`` at or after ``since``."""
        return set(self.filter(month=month, sent_at__gte=since).values_list("unit_id", flat=True))


class Reminder(models.Model):
    """One email sent to a unit's reporters about the results of a month not yet reported."""

    unit = models.ForeignKey(
        Unit, verbose_name=pgettext_lazy("organisation", "unit"), on_delete=models.CASCADE, related_name="reminders",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reminded."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recipients = models.TextField(_("recipients"), help_text=_("The addresses written to, one a line."))
    missing = models.TextField(_("results not reported"), help_text=_("The targets listed, one a line."))

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["month", "unit", "sent_at"], name="reminder_month_unit_idx")]

    def __str__(self):
        return f"{self.unit.code} · {self.month:%Y-%m} · {self.sent_at:%Y-%m-%d %H:%M}"
