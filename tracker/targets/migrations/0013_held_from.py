"""Fixtures say the day their rows held from (``HeldFrom``), and every history-kept row now has a
history record from the moment it holds (``tracker.targets.history``). Rows loaded before this
migration have none: they get one dated 1 January 2000 (the earliest day a page can be asked
for), so that every past day keeps showing them as they are, as the pages did until now."""
import datetime
import zoneinfo

from django.db import migrations, models

SINCE = datetime.datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Bangkok"))
REASON = "as loaded, before the first recorded change"


def first_records(app_label, names, bindings=()):
    """A RunPython function: a first record for each row of ``names`` that has none."""
    def run(apps, schema_editor):
        for name in names:
            model = apps.get_model(app_label, name)
            historical = apps.get_model(app_label, f"Historical{name}")
            kept = {f.attname for f in historical._meta.fields}
            fields = [f.attname for f in model._meta.concrete_fields if f.attname in kept]
            rows = model.objects.exclude(pk__in=historical.objects.values("id")).values_list(*fields)
            historical.objects.bulk_create(
                (historical(**dict(zip(fields, row)), history_date=SINCE, history_type="+",
                            history_change_reason=REASON, history_user=None) for row in rows.iterator()),
                batch_size=1000,
            )
            for field in (f for f in model._meta.many_to_many if f.name in bindings):
                kept_rows = apps.get_model(app_label, f"Historical{name}_{field.name}")
                through = field.remote_field.through
                source = field.m2m_field_name()
                records = dict(historical.objects.filter(history_date=SINCE, history_change_reason=REASON).values_list("id", "history_id"))
                kept_rows.objects.bulk_create(
                    (kept_rows(history_id=records[row[source + "_id"]], **row)
                     for row in through.objects.filter(**{f"{source}__in": list(records)}).values().iterator()),
                    batch_size=1000,
                )
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0012_drop_standings'),
    ]

    operations = [
        migrations.CreateModel(
            name='HeldFrom',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fixture', models.CharField(max_length=100, unique=True, verbose_name='fixture')),
                ('day', models.DateField(verbose_name='held from')),
            ],
            options={
                'verbose_name': "fixture's first day",
                'verbose_name_plural': "fixtures' first days",
            },
        ),
        migrations.RunPython(first_records("targets", ["Target", "Allocation", "ClosedMonth"]), migrations.RunPython.noop),
    ]
