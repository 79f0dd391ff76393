"""Create (or reset) the demo accounts, one per role, for trying the product on the demo data."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.org.models import Membership, Role, Unit

# username: (unit code, role) pairs; the admin is a superuser with no role.
ACCOUNTS = {
    "demo-reporter-1001": [("1001", Role.REPORTER)],
    "demo-reporter-env": [("ENV", Role.REPORTER)],
    "demo-verifier-env": [("ENV", Role.VERIFIER)],
    "demo-coordinator": [("SED", Role.COORDINATOR)],
    "demo-viewer": [("OPS", Role.VIEWER)],
    "demo-admin": [],
}


class Command(BaseCommand):
    help = (
        "Create the demo accounts (reporter of Phra Nakhon and of ENV, verifier of ENV, coordinator, "
        "viewer, admin) with the password given. Development only: refuses to run when DEBUG=0."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="The password of every demo account.")

    def handle(self, *args, password, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development: this command refuses to run when DEBUG=0.")
        User = get_user_model()
        try:
            validate_password(password, User(username="demo-reporter-1001"))
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from None
        codes = {code for pairs in ACCOUNTS.values() for code, _ in pairs}
        units = Unit.objects.in_bulk(codes, field_name="code")
        if missing := codes - set(units):
            raise CommandError(f"No unit {', '.join(sorted(missing))}: load the reference data first (manage.py loaddata reference).")
        with transaction.atomic():
            for username, pairs in ACCOUNTS.items():
                user, _ = User.objects.get_or_create(username=username)
                user.set_password(password)
                user.is_active = True
                user.is_superuser = user.is_staff = not pairs
                user.save()
                Membership.objects.filter(user=user).delete()
                Membership.objects.bulk_create(Membership(user=user, unit=units[code], role=role) for code, role in pairs)
                roles = ", ".join(f"{Role(role).label} · {units[code].name}" for code, role in pairs) or "admin (superuser)"
                self.stdout.write(f"  {username:<20} {roles}")
        self.stdout.write(self.style.SUCCESS(f"{len(ACCOUNTS)} demo accounts, password: {password}"))
