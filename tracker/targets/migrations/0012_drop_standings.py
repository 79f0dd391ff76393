"""The standings are gone: the figures are counted from the results by one implementation
(``tracker.targets.progress.compute``), on every database. This drops the triggers, functions and
table of ``0010_standings`` (PostgreSQL only: SQLite never had them); going back makes them again."""
from importlib import import_module

from django.db import migrations

standings = import_module("tracker.targets.migrations.0010_standings")


class Migration(migrations.Migration):

    dependencies = [
        ("targets", "0011_plausible_input"),
    ]

    operations = [
        migrations.RunPython(standings.run(standings.DROP), standings.run(standings.CREATE), elidable=True),
        migrations.DeleteModel(name="Standing"),
    ]
