"""`manage.py seed_demo --tenant demo --customers N --days D --seed S`: a demo flywheel history."""

import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Tenant
from customers.demo_data import seed_tenant
from customers.models import Customer
from flywheel.core.progress import Progress


class Command(BaseCommand):
    help = "Generate a deterministic flywheel history (customers, stages, events) for a tenant."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", default="demo", help="Slug; created when missing.")
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--now", help="ISO date the history ends at (default: today 00:00 UTC)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the tenant's customers (and their events) first.",
        )

    def handle(
        self,
        *args,
        tenant: str,
        customers: int,
        days: int,
        seed: int,
        now: str | None,
        reset: bool,
        **options,
    ):
        if customers < 1 or days < 1:
            raise CommandError("--customers and --days must be positive.")
        end = (
            datetime.fromisoformat(now).replace(tzinfo=UTC)
            if now
            else datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        )
        target = Tenant.objects.filter(slug=tenant).first() or Tenant.objects.create(
            name=f"{tenant.replace('-', ' ').title()} GmbH", slug=tenant
        )
        # all_tenants: a command outside any request names its tenant explicitly.
        existing = Customer.all_tenants.filter(tenant=target)
        if existing.exists():
            if not reset:
                raise CommandError(f"Tenant {tenant!r} has customers; use --reset to replace them.")
            existing.delete()
        started = time.monotonic()
        bar = Progress(customers, "customers", verbosity=options["verbosity"])
        totals = seed_tenant(
            tenant=target,
            customers=customers,
            days=days,
            seed=seed,
            now=end,
            progress=lambda done, total: bar.update(done),
        )
        bar.finish()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Seeded {target.slug}: {totals['customers']:,} customers, "
            f"{totals['stage_changes']:,} stage changes, {totals['events']:,} events "
            f"in {seconds:.1f} s."
        )
