"""Every OKR and project now has a history record from the moment it holds
(``tracker.targets.history``); those loaded before have none and get one dated 1 January 2000, with
a project's OKRs as bound now, so that every past day keeps showing them as the pages did."""
from importlib import import_module

from django.db import migrations

held_from = import_module("tracker.targets.migrations.0013_held_from")


class Migration(migrations.Migration):

    dependencies = [
        ("okrs", "0004_plausible_input"),
        ("targets", "0013_held_from"),
    ]

    operations = [
        migrations.RunPython(held_from.first_records("okrs", ["Okr", "Project"], bindings=["okrs"]), migrations.RunPython.noop),
    ]
