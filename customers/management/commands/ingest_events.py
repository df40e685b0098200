"""`manage.py ingest_events FILE --tenant SLUG --key KEY`: send a JSON-lines file to events/bulk/.

The file holds one event object per line (the `events/bulk/` item shape). It is posted over
HTTP in batches of 1,000 (the endpoint's limit) and a report of what was stored is printed:
created, duplicate and rejected counts, and each rejected line with its errors.
`--make-sample N` writes a sample file for the tenant's customers instead.
"""

from __future__ import annotations

import json
import random
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from customers.demo_data import NPS_WEIGHTS
from flywheel.core.progress import Progress

BATCH = 1000


def _post(url: str, key: str, events: list[dict], create_missing: bool) -> dict:
    body = json.dumps({"events": events, "create_missing_customers": create_missing}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise CommandError(f"{error.code} from the API: {error.read()[:500]!r}") from error
    except urllib.error.URLError as error:
        raise CommandError(f"Cannot reach {url}: {error.reason}") from error


def _sample(tenant_slug: str, count: int, seed: int) -> list[dict]:
    from accounts.models import Tenant
    from customers.models import Customer
    from flywheel.core.tenancy import tenant_scope

    tenant = Tenant.objects.filter(slug=tenant_slug).first()
    if tenant is None:
        raise CommandError(f"No tenant {tenant_slug!r}.")
    with tenant_scope(tenant):
        external_ids = list(
            Customer.objects.exclude(external_id=None).values_list("external_id", flat=True)[:5000]
        )
    if not external_ids:
        raise CommandError("The tenant has no customers with an external id; run seed_demo.")
    rng = random.Random(seed)
    now = datetime.now(UTC)
    kinds = ("login", "login", "login", "feature_used", "payment", "support_ticket", "nps")
    events = []
    for n in range(count):
        kind = rng.choice(kinds)
        event: dict = {
            "id": f"sample-{seed}-{n}",
            "customer_external_id": rng.choice(external_ids),
            "kind": kind,
            "occurred_at": (now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))).isoformat(),
        }
        if kind == "feature_used":
            event["properties"] = {"feature": rng.choice(["reports", "export", "api", "alerts"])}
        elif kind == "payment":
            event["value"] = str(rng.choice([29, 49, 99]))
            event["properties"] = {"status": rng.choice(["paid"] * 8 + ["late", "failed"])}
        elif kind == "support_ticket":
            event["properties"] = {"status": "opened"}
        elif kind == "nps":  # answered like the demo's customers, not uniformly at random
            event["value"] = rng.choices(range(11), NPS_WEIGHTS)[0]
        events.append(event)
    return events


class Command(BaseCommand):
    help = "Send a JSON-lines file of events to events/bulk/ in batches and report the outcome."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON lines, one event per line ('-' for stdin).")
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--key", help="A tenant API key with events:write.")
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--create-missing-customers", action="store_true")
        parser.add_argument(
            "--make-sample",
            type=int,
            metavar="N",
            help="Write N sample events for the tenant's customers to FILE.",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(
        self,
        *args,
        file: str,
        tenant: str,
        key: str | None,
        url: str,
        create_missing_customers: bool,
        make_sample: int | None,
        seed: int,
        **options,
    ):
        if make_sample:
            lines = [json.dumps(e) for e in _sample(tenant, make_sample, seed)]
            with open(file, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
            self.stdout.write(f"Wrote {make_sample} sample events to {file}.")
            return
        if not key:
            raise CommandError("--key is required to send events.")
        events, bad_lines = self._read(file)
        endpoint = f"{url.rstrip('/')}/api/v1/tenants/{tenant}/events/bulk/"
        totals = {"created": 0, "duplicate": 0, "rejected": len(bad_lines)}
        rejected = list(bad_lines)
        bar = Progress(len(events), "events", verbosity=options["verbosity"])
        for start in range(0, len(events), BATCH):
            chunk = events[start : start + BATCH]
            report = _post(endpoint, key, [event for _, event in chunk], create_missing_customers)
            for name in ("created", "duplicate", "rejected"):
                totals[name] += report[name]
            for item in report["results"]:
                if item["status"] == "rejected":
                    rejected.append((chunk[item["index"]][0], item["errors"]))
            bar.update(min(start + BATCH, len(events)))
        bar.finish()
        self.stdout.write(
            f"lines: {len(events) + len(bad_lines)}  created: {totals['created']}  "
            f"duplicate: {totals['duplicate']}  rejected: {totals['rejected']}"
        )
        rejected.sort(key=lambda item: item[0])
        for line, errors in rejected[:50]:
            details = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            self.stdout.write(f"  line {line}: {details}")
        if len(rejected) > 50:
            self.stdout.write(f"  ... and {len(rejected) - 50} more rejected lines")

    def _read(self, file: str) -> tuple[list[tuple[int, dict]], list[tuple[int, list]]]:
        handle = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        events, bad = [], []
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    events.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    bad.append(
                        (number, [{"field": "line", "code": "parse_error", "message": str(error)}])
                    )
        return events, bad
