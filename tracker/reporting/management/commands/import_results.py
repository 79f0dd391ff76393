"""``manage.py import_results FILE [--commit] [--user USERNAME]``: import monthly results from CSV or XLSX.

Without ``--commit`` it is a dry run: every error row and the counts (new, changed, unchanged)
are printed and nothing is saved. With ``--commit`` a file without errors is written all or
nothing. Results are recorded as submitted by ``--user`` (whose roles decide which units it may
import for), or by default by the inactive user "system" (created when missing; it cannot log in)
which may import for any unit: whoever runs the command already holds the server. The format is
described in ``tracker/reporting/importing.py``, with the budgets a file must keep within (the
page's: size, rows, columns, cells). Exits with an error when the file has errors, listing the
first 100 rows in error and counting the others.
"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.reporting import importing
from tracker.lib.console import Progress

SYSTEM_USERNAME = "system"


class Command(BaseCommand):
    help = "Import monthly results from a CSV or XLSX file (dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or Thai Windows/TIS-620) or XLSX file.")
        parser.add_argument("--commit", action="store_true", help="Save the results (default: dry run, nothing saved).")
        parser.add_argument("--user", help=f"Record as this user, with its permissions (default: the inactive user '{SYSTEM_USERNAME}').")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        User = get_user_model()
        if options["user"]:
            try:
                user = User.objects.get(username=options["user"])
            except User.DoesNotExist:
                raise CommandError(f"No user is called {options['user']!r}.") from None
            permissions = None
        else:
            user = User.objects.filter(username=SYSTEM_USERNAME).first()
            if user is None:
                user = User(username=SYSTEM_USERNAME, is_active=False)
                user.set_unusable_password()
                user.save()
            permissions = importing.Anyone()
        try:
            table = importing.read(data, path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        progress = Progress(self.stdout, len(table.lines), "checking") if len(table.lines) >= 1000 else None
        plan = importing.check(table, user, permissions=permissions, progress=progress.add if progress else None)
        if progress:
            progress.finish()
        for row in plan.errors_shown:
            for message in row.errors:
                self.stdout.write(message)
        if plan.more_errors:
            self.stdout.write(plan.more_errors)
        counts = plan.counts
        summary = f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, {counts['error']} with errors"
        if not plan.ok:
            raise CommandError(f"{summary}. Nothing was imported.")
        if not options["commit"]:
            self.stdout.write(f"{summary}. Dry run: nothing saved (add --commit to save).")
            return
        try:
            written = importing.commit(plan, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {written['new']} new, {written['changed']} changed, {written['unchanged']} unchanged."
        ))
