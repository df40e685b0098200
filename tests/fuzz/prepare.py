"""Prepare a database for the schema fuzzer: the demo tenant, an API key and a personal token.

Run with `python -m tests.fuzz.prepare OUT`; writes `FUZZ_API_KEY=...` and `FUZZ_TOKEN=...`
lines to OUT (a shell-sourceable file), both with every scope, for the tenant `demo`.
"""

import os
import sys

import django


def main(out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.settings.base")
    django.setup()
    from django.core.management import call_command

    from accounts import services
    from accounts.models import Tenant, User

    call_command("demo", no_serve=True, verbosity=0)
    user = User.objects.get(email="admin@demo.local")
    tenant = Tenant.objects.get(slug="demo")
    _, key = services.api_key_create(tenant=tenant, name="fuzz key", created_by=user)
    _, token = services.personal_token_create(user=user, name="fuzz token")
    with open(out, "w") as handle:
        handle.write(f"FUZZ_API_KEY={key}\nFUZZ_TOKEN={token}\nFUZZ_TENANT={tenant.slug}\n")


if __name__ == "__main__":
    main(sys.argv[1])
