"""`manage.py compute_kpis --tenant T --since D [--until D] [--granularity G]`: backfill."""

import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Tenant
from flywheel.core.progress import progress_bar
from flywheel.core.tenancy import tenant_scope
from metrics.jobs import recompute_range
from metrics.periods import GRANULARITIES


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
                started = time.monotonic()
                total += recompute_range(
                    tenant=target,
                    granularity=chosen,
                    since=since,
                    until=until,
                    progress=lambda done, count, g=chosen, t=started: progress_bar(
                        done, count, t, f"{g} snapshots"
                    ),
                )
                sys.stderr.write("\n")
        self.stdout.write(f"Computed {total:,} snapshots for {target.slug}.")
