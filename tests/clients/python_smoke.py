"""A third-party frontend's day, through the Python client generated from our schema.

Run by .ci/fuzz against the running fuzz server: `python python_smoke.py BASE_URL TENANT`
with FUZZ_TOKEN and FUZZ_API_KEY set and the generated `flywheel_client` importable. Every
call parses its answer into the generated models, so an answer that strays from the schema
(an enum value it does not list, a bare list where a page is documented...) fails here.
"""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from http import HTTPStatus

CALLS = 0


def call(area: str, operation: str, client, *args, expect=(200,), **kwargs):
    """`flywheel_client.api.<area>.v1_<operation>.sync_detailed(...)`, checked and parsed."""
    global CALLS
    module = importlib.import_module(f"flywheel_client.api.{area}.v1_{operation}")
    response = module.sync_detailed(*args, client=client, **kwargs)
    CALLS += 1
    status = int(response.status_code)
    if status not in expect:
        raise AssertionError(f"{operation}: {status} {response.content[:500]!r}")
    if status != HTTPStatus.NO_CONTENT and response.parsed is None:
        raise AssertionError(f"{operation}: {status} answer not parsed: {response.content[:300]!r}")
    return response.parsed


def model(name: str):
    return getattr(importlib.import_module("flywheel_client.models"), name)


def partner_day(client, tenant: str) -> None:
    """What a partner integration does with an API key."""
    run = uuid.uuid4().hex[:8]
    call("tenants", "tenants_retrieve", client, tenant)
    bulk = model("EventBulkRequest").from_dict(
        {
            "events": [
                {"id": f"{run}-1", "customer_external_id": f"p-{run}", "kind": "login"},
                {
                    "id": f"{run}-2",
                    "customer_external_id": f"p-{run}",
                    "kind": "payment",
                    "value": "49.00",
                    "properties": {"status": "paid"},
                },
            ],
            "create_missing_customers": True,
        }
    )
    result = call("events", "tenants_events_bulk_create", client, tenant, body=bulk)
    assert result.created == 2, result
    call("events", "tenants_events_list", client, tenant, limit=50)
    call("events", "tenants_events_retrieve", client, tenant, f"{run}-2")
    call("customers", "tenants_customers_list", client, tenant, limit=200)
    call("referrals", "tenants_referrals_list", client, tenant, limit=200)
    call("kpis", "tenants_kpis_latest_retrieve", client, tenant)


def frontend_day(client, tenant: str) -> None:
    """What a tenant's own frontend does with a personal token (owner of the tenant)."""
    run = uuid.uuid4().hex[:8]
    call("auth", "auth_me_retrieve", client)
    call("tenants", "tenants_list", client)
    # customers
    created = call(
        "customers",
        "tenants_customers_create",
        client,
        tenant,
        expect=(201,),
        body=model("CustomerCreateRequest").from_dict(
            {
                "external_id": f"c-{run}",
                "email": f"{run}@example.com",
                "stage": "customer",
                "acquisition_channel": "organic",
                "mrr": "99.00",
                "attributes": {"plan": "pro", "seats": 3},
                "tags": ["smoke"],
            }
        ),
    )
    call("customers", "tenants_customers_retrieve", client, tenant, created.id)
    call(
        "customers",
        "tenants_customers_partial_update",
        client,
        tenant,
        created.id,
        body=model("PatchedCustomerRequest").from_dict({"stage": "advocate"}),
    )
    call("customers", "tenants_customers_timeline_retrieve", client, tenant, created.id)
    for page in range(3):
        customers = call("customers", "tenants_customers_list", client, tenant, limit=200)
        assert customers.results, page
    call(
        "customers",
        "tenants_customers_bulk_create",
        client,
        tenant,
        body=model("CustomerBulkRequest").from_dict(
            {"customers": [{"external_id": f"b-{run}"}, {"external_id": 7}]}
        ),
    )
    # events
    call(
        "events",
        "tenants_events_create",
        client,
        tenant,
        expect=(201,),
        body=model("EventInRequest").from_dict(
            {"customer": created.id, "kind": "nps", "value": "10", "properties": {}}
        ),
    )
    call("events", "tenants_events_list", client, tenant, limit=200)
    # referrals
    programs = call("referrals", "tenants_referral_programs_list", client, tenant)
    program = call(
        "referrals",
        "tenants_referral_programs_create",
        client,
        tenant,
        expect=(201,),
        body=model("ReferralProgramRequest").from_dict(
            {
                "name": f"Smoke {run}",
                "landing_url": "https://example.com/join",
                "referrer_reward_kind": "credit",
                "referrer_reward_amount": "10.00",
                "referee_reward_kind": "discount_percent",
                "referee_reward_amount": "20.00",
            }
        ),
    )
    assert programs.results is not None
    link = call(
        "referrals",
        "tenants_referral_links_create",
        client,
        tenant,
        expect=(201,),
        body=model("ReferralLinkCreateRequest").from_dict(
            {"customer": created.id, "program": program.id}
        ),
    )
    assert link.url.endswith(link.code)
    call("referrals", "tenants_referral_links_list", client, tenant, limit=200)
    call("referrals", "tenants_referrals_list", client, tenant, limit=200)
    call("referrals", "tenants_rewards_list", client, tenant, limit=200)
    # UGC
    call("ugc", "tenants_ugc_rules_list", client, tenant)
    call("ugc", "tenants_ugc_requests_list", client, tenant, limit=200)
    call(
        "ugc",
        "tenants_ugc_requests_create",
        client,
        tenant,
        expect=(201, 409),
        body=model("UGCRequestCreateRequest").from_dict({"customer": created.id, "kind": "video"}),
    )
    # segments
    call("segments", "tenants_scoring_models_list", client, tenant)
    scoring = call(
        "segments",
        "tenants_scoring_models_create",
        client,
        tenant,
        expect=(201,),
        body=model("ScoringModelRequest").from_dict(
            {
                "name": f"Model {run}",
                "criteria": [
                    {"key": "urgency", "label": "Urgency", "weight": "60"},
                    {"key": "size", "label": "Size", "weight": "40"},
                ],
            }
        ),
    )
    ratings = {criterion.key: 4 for criterion in scoring.criteria}
    segment = call(
        "segments",
        "tenants_market_segments_create",
        client,
        tenant,
        expect=(201,),
        body=model("MarketSegmentRequest").from_dict(
            {"name": f"Segment {run}", "model": scoring.id, "ratings": ratings}
        ),
    )
    call("segments", "tenants_market_segments_retrieve", client, tenant, segment.id)
    call("segments", "tenants_market_segments_ranking_list", client, tenant)
    call(
        "segments",
        "tenants_market_sizing_compute_create",
        client,
        tenant,
        body=model("SizingInputRequest").from_dict(
            {
                "market_customers": 1198,
                "average_arr": "15000",
                "targeted_groups": ["innovators", "early_adopters"],
                "market_shares": ["25", "50", "70"],
            }
        ),
    )
    call("segments", "tenants_health_model_retrieve", client, tenant)
    saved = call(
        "segments",
        "tenants_customer_segments_create",
        client,
        tenant,
        expect=(201,),
        body=model("CustomerSegmentRequest").from_dict(
            {"name": f"Promoters {run}", "filters": {"nps_category": "promoter"}}
        ),
    )
    call("segments", "tenants_customer_segments_customers_list", client, tenant, saved.id)
    call("segments", "tenants_health_model_recompute_create", client, tenant, expect=(202,))
    # KPIs
    call("kpis", "tenants_kpis_definitions_list", client, tenant)
    call("kpis", "tenants_kpis_snapshots_list", client, tenant, limit=200)
    call("kpis", "tenants_kpis_latest_retrieve", client, tenant)
    call("kpis", "tenants_kpis_flywheel_retrieve", client, tenant)
    call("kpis", "tenants_kpis_cohorts_retrieve", client, tenant)
    call("kpis", "tenants_kpi_thresholds_list", client, tenant)
    call("kpis", "tenants_kpi_alerts_list", client, tenant)
    call(
        "kpis",
        "tenants_kpis_compute_create",
        client,
        tenant,
        expect=(202,),
        body=model("RangeRequest").from_dict(
            {"granularity": "month", "since": "2026-01-01", "until": "2026-03-31"}
        ),
    )
    call("kpis", "tenants_kpis_jobs_list", client, tenant)
    # people and credentials
    call("members", "tenants_members_list", client, tenant)
    call("api_keys", "tenants_api_keys_list", client, tenant)
    key = call(
        "api_keys",
        "tenants_api_keys_create",
        client,
        tenant,
        expect=(201,),
        body=model("CredentialCreateRequest").from_dict(
            {"name": f"smoke {run}", "scopes": ["customers:read"]}
        ),
    )
    assert key.key.startswith("fw_live_")
    call("auth", "auth_tokens_list", client)


def main(base_url: str, tenant: str) -> None:
    from flywheel_client import AuthenticatedClient

    key_client = AuthenticatedClient(base_url=base_url, token=os.environ["FUZZ_API_KEY"])
    token_client = AuthenticatedClient(base_url=base_url, token=os.environ["FUZZ_TOKEN"])
    partner_day(key_client, tenant)
    frontend_day(token_client, tenant)
    print(f"generated Python client: {CALLS} calls, every answer parsed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
