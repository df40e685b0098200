"""`manage.py demo`: migrate, create a demo tenant, staff user and API key, print them, serve."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import Membership, Tenant, User
from accounts.roles import Role
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from metrics.demo import kpis_seed
from referrals.demo import referrals_seed
from segments.services.health import health_recompute

DEMO_EMAIL = "admin@demo.local"
DEMO_PASSWORD = "flywheel-demo"
DEMO_SLUG = "demo"


class Command(BaseCommand):
    help = "Set up the embedded demo (SQLite) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up, print, and exit.")

    def handle(self, *args, addrport: str, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_superuser(
                email=DEMO_EMAIL, password=DEMO_PASSWORD, name="Demo Admin"
            )
        tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
        if tenant is None:
            tenant = services.tenant_create(owner=user, name="Demo GmbH", slug=DEMO_SLUG)
        # all_tenants: the demo set-up runs outside any request; it names its tenant itself.
        Membership.all_tenants.get_or_create(
            tenant=tenant, user=user, defaults={"role": Role.OWNER}
        )
        # all_tenants: the demo set-up checks its own tenant for data.
        if not Customer.all_tenants.filter(tenant=tenant).exists():
            self.stdout.write("Seeding a demo history (300 customers over 180 days)...")
            call_command("seed_demo", tenant=tenant.slug, customers=300, days=180, seed=42)
            with tenant_scope(tenant):  # seeded events bypass ingestion: score them once
                referrals_seed(tenant=tenant)
                health_recompute(tenant=tenant)
                self.stdout.write("Computing KPI snapshots (months, weeks, days)...")
                kpis_seed(tenant=tenant, days=180)
        _, secret = services.api_key_create(tenant=tenant, name="demo key", created_by=user)

        host = f"http://{addrport}"
        self.stdout.write(self.style.SUCCESS("Flywheel demo is ready."))
        self.stdout.write(f"  database  {settings.DATABASES['default']['NAME']}")
        self.stdout.write(f"  API docs  {host}/api/docs/   (Redoc: {host}/api/redoc/)")
        self.stdout.write(f"  admin     {host}/admin/   {DEMO_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"  tenant    {tenant.slug}   API: {host}/api/v1/tenants/{tenant.slug}/")
        self.stdout.write(
            f"  KPIs      {host}/api/v1/tenants/{tenant.slug}/kpis/flywheel/   "
            f"charts: {host}/admin/metrics/kpisnapshot/charts/"
        )
        self.stdout.write(
            f"  support   {host}/admin/accounts/tenant/{tenant.pk}/overview/   (the tenant at a "
            "glance; search box in the admin header)"
        )
        self.stdout.write(f"  API key   {secret}   (new on every start; shown once)")
        self.stdout.write(
            f"  try       curl -H 'Authorization: Bearer {secret}' "
            f"{host}/api/v1/tenants/{tenant.slug}/"
        )
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)
