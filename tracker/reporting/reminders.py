"""Reminders to report a month: one email per district with results not reported, to its reporters.

Used by the compliance page's *Send reminders* button and by ``manage.py send_reminders``. What is
missing is read from the compliance matrix as it stands now (every host, every zone). A unit is
written to once per month within ``REMINDER_INTERVAL_HOURS``; every reminder sent is kept as a
``Reminder`` (who sent it, when, to whom, what it listed). Each reporter gets it in the language
they chose (``Profile.language``: the site's language switch while logged in), Thai if they chose
none: one email per language, to that language's reporters of the unit.
"""
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.lib import fiscal
from tracker.org.models import Membership, Role
from tracker.reporting.compliance import Matrix
from tracker.reporting.models import Reminder


@dataclass
class Outcome:
    """What ``send_reminders`` did (or, on a dry run, would do)."""

    month: datetime.date
    dry_run: bool
    sent: list = field(default_factory=list)  # (unit, [addresses], [(target, cell)])
    emails: int = 0  # emails sent (or to send): one per unit and language
    recent: list = field(default_factory=list)  # units reminded within the interval
    no_address: list = field(default_factory=list)  # units with no reporter who has an email


def report_url(unit, month):
    return settings.SITE_URL + reverse("reporting:report", kwargs={"unit_code": unit.code, "month": month})


def compose(unit, month, items, language):
    """(subject, body) of a unit's reminder in ``language``."""
    named = {"month": fiscal.format_month(month, language)}
    with translation.override(language):
        subject = _("Reminder to report results for %(month)s") % named
        lines = [
            _("To the reporters of %(unit)s,") % {"unit": unit.name},
            "",
            _("The results below for %(month)s have not been reported yet. Please enter and submit them:") % named,
            *(f"- {target.code} {target.name} ({cell.label})" for target, cell in items),
            "",
            _("Report grid: %(url)s") % {"url": report_url(unit, month)},
        ]
    return subject, "\n".join(lines)


def send_reminders(month, by, dry_run=False):
    """Email each district with results of ``month`` not reported (missing, draft or returned) once.

    ``by``: the user sending them (None from the command line). Units reminded of ``month`` within
    ``REMINDER_INTERVAL_HOURS`` and units with no reporter who has an email are left out and said.
    """
    now = timezone.now()
    outcome = Outcome(month=month, dry_run=dry_run)
    missing = Matrix(month, timezone.localdate()).missing_by_unit()
    if not missing:
        return outcome
    recent = Reminder.objects.recent(month, now - datetime.timedelta(hours=settings.REMINDER_INTERVAL_HOURS))
    addresses = {}  # {unit id: {email: language}}
    reporters = (
        Membership.objects.filter(unit__in=list(missing), role=Role.REPORTER, user__is_active=True)
        .exclude(user__email="").order_by("user__email").values_list("unit", "user__email", "user__profile__language")
    )
    for unit_id, email, language in reporters:
        addresses.setdefault(unit_id, {}).setdefault(email, language or settings.LANGUAGE_CODE)
    for unit, items in missing.items():
        if unit.pk in recent:
            outcome.recent.append(unit)
            continue
        to = addresses.get(unit.pk)
        if not to:
            outcome.no_address.append(unit)
            continue
        by_language = {}
        for email, language in to.items():
            by_language.setdefault(language, []).append(email)
        outcome.sent.append((unit, list(to), items))
        outcome.emails += len(by_language)
        if dry_run:
            continue
        # Recorded with the sending: a failed send raises and records nothing for that unit.
        with transaction.atomic():
            Reminder.objects.create(
                unit=unit, month=month, sent_at=now, sent_by=by, recipients="\n".join(to),
                missing="\n".join(f"{target.code} ({cell.value})" for target, cell in items),
            )
            for language, emails in sorted(by_language.items()):
                subject, body = compose(unit, month, items, language)
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, emails).send()
    return outcome
