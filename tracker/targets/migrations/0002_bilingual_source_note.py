from django.db import migrations, models


class Migration(migrations.Migration):
    """The source note in Thai and English, like names: the old single note becomes the Thai one."""

    dependencies = [
        ("targets", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="target", old_name="source_note", new_name="source_note_th"),
        migrations.AlterField(
            model_name="target",
            name="source_note_th",
            field=models.CharField(
                blank=True, max_length=400, verbose_name="source of the figures (Thai)",
                help_text="Shown under the figures, e.g. that a per-district split is demo data.",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="source_note_en",
            field=models.CharField(blank=True, max_length=400, verbose_name="source of the figures (English)"),
        ),
    ]
