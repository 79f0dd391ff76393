"""Standings (``tracker.targets.models.Standing``): a table PostgreSQL keeps from the results.

A statement-level trigger on ``targets_result`` (insert, update, delete; with the rows each
statement touched) works out again the standing of every (target, unit) pair those rows belong
to; a truncation empties the table. ``targets_standing_refresh`` does it for a list of pairs:

1. a row for each pair (an empty one for a new pair) — ``ON CONFLICT DO NOTHING`` waits for another
   writer's new row of the pair to commit;
2. the pairs' rows locked in order — a second writer of a pair waits for the first to commit;
3. the sums read again from the results: the statement after the lock sees the first writer's
   committed rows as well as its own, so nothing one of them wrote is lost;
4. pairs left with no result at all (rows deleted by hand) lose their row.

The table is filled from the results already there. Nothing here on SQLite.
"""
from django.db import migrations, models

COUNTED = "('submitted', 'verified')"

CREATE = [
    """
    CREATE TABLE targets_standing (
        id bigserial PRIMARY KEY,
        target_id bigint NOT NULL,
        unit_id bigint NOT NULL,
        total numeric,
        unverified numeric,
        first_value numeric(14, 3),
        latest_value numeric(14, 3),
        latest_state varchar(20),
        last_period date,
        last_entered timestamp with time zone,
        any_last_period date,
        any_last_entered timestamp with time zone,
        any_last_updated timestamp with time zone,
        CONSTRAINT standing_unique_target_unit UNIQUE (target_id, unit_id)
    )
    """,
    # ``Standing.objects.stand_for(day)`` reads the latest of each.
    "CREATE INDEX standing_any_last_period_idx ON targets_standing (any_last_period)",
    "CREATE INDEX standing_any_last_entered_idx ON targets_standing (any_last_entered)",
    "CREATE INDEX standing_any_last_updated_idx ON targets_standing (any_last_updated)",
    f"""
    CREATE FUNCTION targets_standing_refresh(targets bigint[], units bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO targets_standing (target_id, unit_id)
        SELECT p.target_id, p.unit_id FROM unnest(targets, units) AS p (target_id, unit_id)
        ORDER BY p.target_id, p.unit_id
        ON CONFLICT (target_id, unit_id) DO NOTHING;

        PERFORM 1 FROM targets_standing s JOIN unnest(targets, units) AS p (target_id, unit_id)
            ON s.target_id = p.target_id AND s.unit_id = p.unit_id
        ORDER BY s.target_id, s.unit_id FOR UPDATE OF s;

        UPDATE targets_standing s
        SET total = a.total, unverified = a.unverified, first_value = a.first_value,
            latest_value = a.latest_value, latest_state = a.latest_state, last_period = a.last_period,
            last_entered = a.last_entered, any_last_period = a.any_last_period,
            any_last_entered = a.any_last_entered, any_last_updated = a.any_last_updated
        FROM (
            SELECT r.target_id, r.unit_id,
                   SUM(r.value) FILTER (WHERE r.state IN {COUNTED}) AS total,
                   SUM(r.value) FILTER (WHERE r.state = 'submitted') AS unverified,
                   (ARRAY_AGG(r.value ORDER BY r.period) FILTER (WHERE r.state IN {COUNTED}))[1] AS first_value,
                   (ARRAY_AGG(r.value ORDER BY r.period DESC) FILTER (WHERE r.state IN {COUNTED}))[1] AS latest_value,
                   (ARRAY_AGG(r.state ORDER BY r.period DESC) FILTER (WHERE r.state IN {COUNTED}))[1] AS latest_state,
                   MAX(r.period) FILTER (WHERE r.state IN {COUNTED}) AS last_period,
                   MAX(r.entered_at) FILTER (WHERE r.state IN {COUNTED}) AS last_entered,
                   MAX(r.period) AS any_last_period, MAX(r.entered_at) AS any_last_entered,
                   MAX(r.updated_at) AS any_last_updated
            FROM targets_result r JOIN unnest(targets, units) AS p (target_id, unit_id)
                ON r.target_id = p.target_id AND r.unit_id = p.unit_id
            GROUP BY r.target_id, r.unit_id
        ) a
        WHERE s.target_id = a.target_id AND s.unit_id = a.unit_id;

        DELETE FROM targets_standing s USING unnest(targets, units) AS p (target_id, unit_id)
        WHERE s.target_id = p.target_id AND s.unit_id = p.unit_id
          AND NOT EXISTS (SELECT 1 FROM targets_result r WHERE r.target_id = p.target_id AND r.unit_id = p.unit_id);
    END
    $$
    """,
    """
    CREATE FUNCTION targets_result_refresh_standings() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        targets bigint[];
        units bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(target_id), array_agg(unit_id) INTO targets, units
            FROM (SELECT DISTINCT target_id, unit_id FROM new_rows) AS p;
        ELSIF TG_OP = 'UPDATE' THEN
            SELECT array_agg(target_id), array_agg(unit_id) INTO targets, units
            FROM (SELECT target_id, unit_id FROM new_rows UNION SELECT target_id, unit_id FROM old_rows) AS p;
        ELSE
            SELECT array_agg(target_id), array_agg(unit_id) INTO targets, units
            FROM (SELECT DISTINCT target_id, unit_id FROM old_rows) AS p;
        END IF;
        IF targets IS NOT NULL THEN
            PERFORM targets_standing_refresh(targets, units);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER result_standings_insert AFTER INSERT ON targets_result
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION targets_result_refresh_standings()
    """,
    """
    CREATE TRIGGER result_standings_update AFTER UPDATE ON targets_result
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION targets_result_refresh_standings()
    """,
    """
    CREATE TRIGGER result_standings_delete AFTER DELETE ON targets_result
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION targets_result_refresh_standings()
    """,
    """
    CREATE FUNCTION targets_result_truncate_standings() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE targets_standing;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER result_standings_truncate AFTER TRUNCATE ON targets_result
    FOR EACH STATEMENT EXECUTE FUNCTION targets_result_truncate_standings()
    """,
    # The results already there.
    """
    SELECT targets_standing_refresh(array_agg(target_id), array_agg(unit_id))
    FROM (SELECT DISTINCT target_id, unit_id FROM targets_result) AS p
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS result_standings_truncate ON targets_result",
    "DROP TRIGGER IF EXISTS result_standings_delete ON targets_result",
    "DROP TRIGGER IF EXISTS result_standings_update ON targets_result",
    "DROP TRIGGER IF EXISTS result_standings_insert ON targets_result",
    "DROP FUNCTION IF EXISTS targets_result_truncate_standings()",
    "DROP FUNCTION IF EXISTS targets_result_refresh_standings()",
    "DROP FUNCTION IF EXISTS targets_standing_refresh(bigint[], bigint[])",
    "DROP TABLE IF EXISTS targets_standing",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0004_profile"),
        ("targets", "0009_result_counting_index"),
    ]

    operations = [
        migrations.CreateModel(
            name='Standing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('total', models.DecimalField(decimal_places=3, max_digits=30, null=True)),
                ('unverified', models.DecimalField(decimal_places=3, max_digits=30, null=True)),
                ('first_value', models.DecimalField(decimal_places=3, max_digits=14, null=True)),
                ('latest_value', models.DecimalField(decimal_places=3, max_digits=14, null=True)),
                ('latest_state', models.CharField(max_length=20, null=True)),
                ('last_period', models.DateField(null=True)),
                ('last_entered', models.DateTimeField(null=True)),
                ('any_last_period', models.DateField(null=True)),
                ('any_last_entered', models.DateTimeField(null=True)),
                ('any_last_updated', models.DateTimeField(null=True)),
            ],
            options={
                'db_table': 'targets_standing',
                'managed': False,
            },
        ),
        migrations.RunPython(run(CREATE), run(DROP), elidable=False),
    ]
