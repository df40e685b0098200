"""`manage.py compute_kpis --tenant T --since D [--until D] [--granularity G]`: backfill."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Tenant
from flywheel.core.progress import Progress
from flywheel.core.tenancy import tenant_scope
from metrics.periods import GRANULARITIES
from metrics.services.jobs import recompute_range


class Command(BaseCommand):
    help = "Compute (or recompute) a tenant's KPI snapshots for every period of a range."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--since", required=True, type=date.fromisoformat)
        parser.add_argument(
            "--until", type=date.fromisoformat, help="Last day (default: today, UTC)."
        )
        parser.add_argument(
            "--granularity",
            action="append",
            choices=GRANULARITIES,
            help="Repeatable; default: month.",
        )

    def handle(self, *args, tenant: str, since: date, until, granularity, **options):
        target = Tenant.objects.filter(slug=tenant).first()
        if target is None:
            raise CommandError(f"No tenant {tenant!r}.")
        until = until or timezone.now().date()
        if until < since:
            raise CommandError("--until is before --since.")
        total = 0
        with tenant_scope(target):
            for chosen in granularity or ["month"]:
                bars: dict = {}

                def progress(done, count, g=chosen, bars=bars):
                    bar = bars.setdefault(
                        "bar", Progress(count, f"{g} snapshots", verbosity=options["verbosity"])
                    )
                    bar.update(done)

                total += recompute_range(
                    tenant=target, granularity=chosen, since=since, until=until, progress=progress
                )
                if "bar" in bars:
                    bars["bar"].finish()
        self.stdout.write(f"Computed {total:,} snapshots for {target.slug}.")
