"""`migrate` across tenants: data migrations touch every tenant's rows, so the run takes the
explicit cross-tenant path of the database's floor (`flywheel.core.rowsecurity`); afterwards
the owner puts the floor under new tenant tables (`post_migrate`)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from flywheel.core.tenancy import cross_tenant


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with cross_tenant():
            return super().handle(*args, **options)
