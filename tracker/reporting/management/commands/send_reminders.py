"""``manage.py send_reminders --month 2024-06 [--dry-run]``: email the districts that have not reported a month."""
from django.core.management.base import BaseCommand, CommandError

from tracker.lib.converters import MonthConverter
from tracker.reporting.reminders import send_reminders


def month_argument(value):
    try:
        return MonthConverter().to_python(value)
    except ValueError:
        raise CommandError(f"--month must be YYYY-MM (CE or BE, e.g. 2024-06 or 2567-06), got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email each district with results of a month not reported (missing, draft or returned) one reminder, "
        "unless it was reminded of that month within REMINDER_INTERVAL_HOURS; every email sent is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, YYYY-MM in CE or BE (2024-06 or 2567-06).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")

    def handle(self, *args, month, dry_run, **options):
        if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
            raise CommandError(f"--month must be YYYY-MM (CE or BE, e.g. 2024-06 or 2567-06), got {month!r}")
        period = month_argument(month)
        outcome = send_reminders(period, by=None, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for unit, addresses, items in outcome.sent:
            targets = ", ".join(target.code for target, _cell in items)
            self.stdout.write(f"{verb} to {unit.code} {unit.name} ({', '.join(addresses)}): {targets}")
        for unit in outcome.recent:
            self.stdout.write(f"Left out {unit.code} {unit.name}: already reminded of {period:%Y-%m} recently.")
        for unit in outcome.no_address:
            self.stdout.write(f"Left out {unit.code} {unit.name}: no reporter with an email address.")
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(outcome.sent)} reminder(s) for {period:%Y-%m}; "
            f"{len(outcome.recent)} unit(s) reminded recently, {len(outcome.no_address)} without an address."
        ))
