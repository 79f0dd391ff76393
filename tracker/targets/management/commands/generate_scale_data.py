"""Add a synthetic city-scale dataset: many targets over many fiscal years, every district reporting.

Default: 200 targets × 10 fiscal years × 50 districts × 12 months ≈ 1.2 M monthly results and
100,000 allocations, for benchmarks and load tests. Targets get codes ``<prefix>-<year>-<n>``
so the set can be told apart from real data and removed with ``--delete``. Rows are generated
and inserted batch by batch, so memory stays flat whatever the size.
"""
import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tracker.lib import fiscal
from tracker.lib.console import Progress
from tracker.org.models import Unit, refuse_deleting_what_history_names
from tracker.targets.models import Allocation, Measure, Result, ResultRevision, Target, UnitOfMeasure

CUMULATIVE_UNITS = [UnitOfMeasure.TREES, UnitOfMeasure.TONNES, UnitOfMeasure.POINTS, UnitOfMeasure.PARKS, UnitOfMeasure.PEOPLE]


class Command(BaseCommand):
    help = "Add a synthetic city-scale dataset (default 200 targets × 10 fiscal years × 50 districts, ~1.2 M monthly results)."

    def add_arguments(self, parser):
        parser.add_argument("--targets", type=int, default=200, help="Targets per fiscal year (default 200).")
        parser.add_argument("--years", type=int, default=10, help="Fiscal years (default 10).")
        parser.add_argument("--last-year", type=int, help="Last fiscal year, BE (default: the last complete one).")
        parser.add_argument("--districts", type=int, default=50, help="How many districts report (default all 50).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per INSERT (default 5000).")
        parser.add_argument("--prefix", default="SCALE", help="Code prefix of the generated targets (default SCALE).")
        parser.add_argument("--delete", action="store_true", help="Remove an earlier dataset with this prefix first.")
        parser.add_argument("--remove", action="store_true", help="Only remove the dataset with this prefix.")

    def handle(self, *args, **options):
        prefix = options["prefix"]
        if not prefix or "-" in prefix:
            raise CommandError("--prefix must be a word without '-', e.g. SCALE")
        for name in ("targets", "years", "districts", "batch_size"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        existing = Target.objects.filter(code__startswith=f"{prefix}-")
        if options["remove"]:
            self.delete(existing)
            self.stdout.write(f"Removed the targets with the prefix {prefix}- and their allocations and results.")
            return
        if existing.exists():
            if not options["delete"]:
                raise CommandError(f"Targets with the prefix {prefix}- exist already; add --delete to replace them.")
            self.delete(existing)

        districts = list(Unit.objects.districts().order_by("code")[: options["districts"]])
        hosts = list(Unit.objects.bureaus().order_by("code"))
        if not districts or not hosts:
            raise CommandError("No districts or bureaus: load the reference data first (manage.py loaddata reference).")
        last_year = options["last_year"] or fiscal.fiscal_year(timezone.localdate()) - 1
        years = list(range(last_year - options["years"] + 1, last_year + 1))
        self.rng = random.Random(options["seed"])
        self.batch_size = options["batch_size"]
        started = time.monotonic()

        targets = self.create_targets(prefix, years, options["targets"], hosts)
        allocations = self.create_allocations(targets, districts)
        results = self.create_results(targets, districts, allocations)
        self.analyze()
        self.stdout.write(
            f"Created {len(targets):,} targets, {len(targets) * len(districts):,} allocations and "
            f"{results:,} monthly results for fiscal years {years[0]}–{years[-1]} in {time.monotonic() - started:.1f} s."
        )

    def analyze(self):
        """Refresh the planner's statistics: after a bulk load they are stale, and PostgreSQL would
        otherwise scan the whole results table where an index serves (117 ms → 16 ms measured)."""
        with connection.cursor() as cursor:
            for table in (Target._meta.db_table, Allocation._meta.db_table, Result._meta.db_table):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    def delete(self, targets):
        ids = list(targets.values_list("pk", flat=True))
        progress = Progress(self.stdout, len(ids), "deleting")
        for start in range(0, len(ids), 20):
            chunk = ids[start : start + 20]
            with transaction.atomic():
                # Generated rows and their history go together: real targets keep theirs (protected).
                ResultRevision.objects.filter(result__target__in=chunk).delete()
                Result.objects.filter(target__in=chunk).delete()
                Allocation.history.filter(target_id__in=chunk).delete()
                Allocation.objects.filter(target__in=chunk).delete()
            progress.add(len(chunk))
        progress.finish()
        # The guard that keeps real targets named in history from deletion is lifted for the
        # generated ones only, whose history goes with them.
        pre_delete.disconnect(sender=Target, dispatch_uid="keep_history_Target")
        try:
            with transaction.atomic():
                # Sub-targets first: a parent is protected while it has children.
                Target.objects.filter(pk__in=ids, parent__isnull=False).delete()
                Target.objects.filter(pk__in=ids).delete()
                Target.history.filter(id__in=ids).delete()
        finally:
            pre_delete.connect(refuse_deleting_what_history_names, sender=Target, dispatch_uid="keep_history_Target")

    def create_targets(self, prefix, years, per_year, hosts):
        rng = self.rng
        parents, children = [], []
        for year in years:
            start, deadline = fiscal.fiscal_year_bounds(year)
            for n in range(1, per_year + 1):
                level = n % 5 == 0  # one target in five is a coverage level in %
                unit = UnitOfMeasure.PERCENT if level else rng.choice(CUMULATIVE_UNITS)
                value = Decimal(100) if level else Decimal(rng.choice([50, 156, 2_000, 20_000, 200_000]) * rng.randint(1, 9))
                target = Target(
                    code=f"{prefix}-{year}-{n:03d}", name_th=f"เป้าหมายสังเคราะห์ {n} ปี {year}",
                    name_en=f"Synthetic target {n}, FY {year}", host=hosts[n % len(hosts)], unit_of_measure=unit,
                    decimals=2 if level else 0, measure=Measure.LEVEL if level else Measure.CUMULATIVE,
                    target_value=value, fiscal_year=year, start_date=start, deadline=deadline,
                    band_low=Decimal(25 if n % 2 else 50), band_high=Decimal(100), districts_carry=True,
                    sort_order=n, source_note_th="ข้อมูลสังเคราะห์จาก generate_scale_data (สำหรับวัดสมรรถนะเท่านั้น)",
                    source_note_en="Synthetic data from generate_scale_data (benchmarks only)",
                )
                # Targets 2, 12, 22 … are sub-targets of the one before them (both cumulative).
                (children if n % 10 == 2 else parents).append(target)
        Target.objects.bulk_create(parents, batch_size=self.batch_size)
        codes = {t.code: t for t in Target.objects.filter(code__in=[t.code for t in parents])}
        for child in children:
            year, n = child.fiscal_year, int(child.code.rsplit("-", 1)[1])
            child.parent = codes[f"{prefix}-{year}-{n - 1:03d}"]
        Target.objects.bulk_create(children, batch_size=self.batch_size)
        return list(Target.objects.filter(code__startswith=f"{prefix}-").order_by("fiscal_year", "sort_order"))

    def create_allocations(self, targets, districts):
        progress = Progress(self.stdout, len(targets) * len(districts), "allocations")
        shares, batch = {}, []
        for target in targets:
            # Each allocation's history starts with its target's year, as a fixture's would.
            held_from = timezone.make_aware(datetime.datetime.combine(target.start_date, datetime.time.min))
            weights = [self.rng.uniform(0.5, 1.5) for _ in districts]
            total = sum(weights)
            for district, weight in zip(districts, weights):
                value = target.target_value if target.is_level else (target.target_value * Decimal(weight / total)).quantize(Decimal(1))
                shares[target.pk, district.pk] = value
                allocation = Allocation(target_id=target.pk, unit_id=district.pk, value=value)
                allocation._history_date = held_from
                batch.append(allocation)
            if len(batch) >= self.batch_size:
                self.insert(Allocation, batch, progress)
                batch = []
        self.insert(Allocation, batch, progress)
        progress.finish()
        return shares

    def create_results(self, targets, districts, allocations):
        rng = self.rng
        total = sum(len(fiscal.fiscal_months(t.fiscal_year)) for t in targets) * len(districts)
        progress = Progress(self.stdout, total, "results")
        batch, count = [], 0
        for target in targets:
            months = fiscal.fiscal_months(target.fiscal_year)
            entered = [timezone.make_aware(datetime.datetime.combine(fiscal.add_months(m, 1), datetime.time(10))) for m in months]
            for district in districts:
                allocation = allocations[target.pk, district.pk]
                pace = rng.uniform(0.3, 1.4)
                level = Decimal(rng.randint(2000, 9000)) / 100
                for month, at in zip(months, entered):
                    if target.is_level:
                        level = min(Decimal(100), level + Decimal(rng.randint(0, 400)) / 100)
                        value = level
                    else:
                        value = Decimal(round(float(allocation) / 12 * pace * rng.uniform(0.5, 1.5)))
                    batch.append(Result(
                        target_id=target.pk, unit_id=district.pk, period=month, value=value,
                        is_percentage=target.is_level, state=Result.State.VERIFIED, entered_at=at, updated_at=at,
                        verified_at=at,
                    ))
                if len(batch) >= self.batch_size:
                    count += self.insert(Result, batch, progress)
                    batch = []
        count += self.insert(Result, batch, progress)
        progress.finish()
        return count

    def insert(self, model, rows, progress):
        # bulk_create skips the recording function, so synthetic results leave no ResultRevision: the history is
        # for people's edits, and a million generated rows would only double the table.
        with transaction.atomic():
            if model is Allocation:  # pages as of a past day read allocations from their history
                bulk_create_with_history(rows, Allocation, batch_size=self.batch_size)
            else:
                model.objects.bulk_create(rows, batch_size=self.batch_size)
        progress.add(len(rows))
        return len(rows)
