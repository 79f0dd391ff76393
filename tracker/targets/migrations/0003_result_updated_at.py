import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def unchanged_since_entered(apps, schema_editor):
    apps.get_model("targets", "Result").objects.update(updated_at=F("entered_at"))


class Migration(migrations.Migration):
    """When each result last changed, so that figures as of an earlier day can read its revision."""

    dependencies = [
        ("targets", "0002_bilingual_source_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="result", name="updated_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last changed at"),
        ),
        migrations.RunPython(unchanged_since_entered, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="result", name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="last changed at"),
        ),
    ]
