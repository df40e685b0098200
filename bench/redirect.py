"""Benchmark of the public referral redirect `/r/<code>` against a raw-SQL view, same run.

Usage: .venv/bin/python bench/redirect.py [--links 100000] [--seconds 20] [--connections 16]

Loads `--links` referral links into the bench database (PostgreSQL), starts gunicorn on
127.0.0.1 and drives both `/r/<code>` and `/raw/<code>` (bench/raw_urls.py: the same one
read and one insert in plain SQL) with wrk: random codes, `--connections` keep-alive
connections, a fixed duration each. Prints requests/s, p50 and p99 of both and the ratio.
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _harness import add_json_option, gunicorn, setup_django, write_results, wrk, wrk_ms

LUA = """
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", "%(prefix)s" .. codes[math.random(#codes)], {
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/131.0"
  })
end
"""


def prepare(links: int) -> list[str]:
    """`links` links of one program of the `bench` tenant; returns their codes."""
    from django.db import connection

    from accounts.models import Tenant
    from customers.models import Customer
    from flywheel.core.sql import insert_ignoring_conflicts
    from referrals.codes import new_code
    from referrals.models import ReferralLink, ReferralProgram

    tenant = Tenant.objects.filter(slug="bench").first() or Tenant.objects.create(
        name="Bench", slug="bench"
    )
    # all_tenants: benchmark set-up writes one tenant's rows explicitly.
    program = ReferralProgram.all_tenants.filter(tenant=tenant, name="bench").first()
    if program is None:
        program = ReferralProgram.all_tenants.create(
            tenant=tenant,
            name="bench",
            landing_url="https://shop.example.com/join?src=ref",
            referrer_reward_kind="credit",
            referrer_reward_amount=20,
            referee_reward_kind="credit",
            referee_reward_amount=10,
        )
    have = ReferralLink.all_tenants.filter(program=program).count()
    if have < links:
        referrers = [
            Customer(tenant=tenant, external_id=f"bench-ref-{i}") for i in range(have, links)
        ]
        insert_ignoring_conflicts(
            Customer,
            referrers,
            conflict="(tenant_id, external_id) WHERE external_id IS NOT NULL",
            returning=("id",),
        )
        ids = dict(
            Customer.all_tenants.filter(
                tenant=tenant, external_id__startswith="bench-ref-"
            ).values_list("external_id", "pk")
        )
        rows = [
            ReferralLink(
                tenant=tenant, program=program, code=new_code(), referrer_id=ids[f"bench-ref-{i}"]
            )
            for i in range(have, links)
        ]
        for start in range(0, len(rows), 5000):
            ReferralLink.all_tenants.bulk_create(rows[start : start + 5000])
    with connection.cursor() as cursor:
        for table in ("customers_customer", "referrals_referrallink", "referrals_click"):
            cursor.execute(f"ANALYZE {table}")
    return list(
        ReferralLink.all_tenants.filter(program=program).values_list("code", flat=True)[:links]
    )


def run_wrk(port: int, prefix: str, codes_file: str, seconds: int, connections: int) -> dict:
    """wrk on `prefix<code>` with random codes of `codes_file`."""
    lua = LUA % {"codes": codes_file, "seed": 7, "prefix": prefix}
    return wrk(f"http://127.0.0.1:{port}", lua, seconds, connections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    add_json_option(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    url = setup_django()
    codes = prepare(args.links)
    codes_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    codes_file.write_text("\n".join(codes) + "\n")
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        # wrk drives from one address: the per-address limit (600/min) would answer 429s.
        # The limit is still checked on every request, so its cost is measured.
        "THROTTLE_REDIRECT_RATE": "1000000000/min",
    }
    with gunicorn(workers=args.workers, env=env) as (port, _):
        run_wrk(port, "/r/", str(codes_file), 3, args.connections)  # warm-up
        ours = run_wrk(port, "/r/", str(codes_file), args.seconds, args.connections)
        raw = run_wrk(port, "/raw/", str(codes_file), args.seconds, args.connections)
    print(
        f"links={len(codes):,}, gunicorn workers={args.workers}, wrk 2 threads, "
        f"{args.connections} connections, {args.seconds} s each"
    )
    for name, result in (("/r/<code> ", ours), ("/raw/<code>", raw)):
        print(
            f"{name}: {result['rate']:8,.0f} req/s  p50 {result['p50']:>8}  "
            f"p99 {result['p99']:>8}  non-3xx {result['errors']}"
        )
    print(f"ratio /r/ to raw: {ours['rate'] / raw['rate']:.1%}")
    write_results(
        args.json,
        "redirect",
        args,
        [
            {
                "name": f"/r/<code>, {args.connections} connections",
                "value": ours["rate"],
                "baseline": raw["rate"],
                "unit": "req/s",
                "better": "higher",
            },
            {"name": "/r/<code> p50", "value": wrk_ms(ours["p50"]), "unit": "ms"},
            {
                "name": "/r/<code> p99",
                "value": wrk_ms(ours["p99"]),
                "baseline": wrk_ms(raw["p99"]),
                "unit": "ms",
                "better": "lower",
            },
            {"name": "non-3xx answers", "value": ours["errors"] + raw["errors"], "unit": ""},
        ],
    )


if __name__ == "__main__":
    main()
