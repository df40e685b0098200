"""Celery adapters of referrals: approve due rewards, expire stale referrals (per tenant)."""

from celery import shared_task

from flywheel.core.fanout import for_each_active_tenant, run_in_tenant
from referrals.services.rewards import referrals_expire, rewards_approve_due


@shared_task(acks_late=True)
def rewards_approve_due_task(tenant_id: int):
    """Approve (or claw back) one tenant's rewards past their holding period; idempotent."""
    return run_in_tenant(tenant_id, rewards_approve_due)


@shared_task
def rewards_approve_due_all_task() -> int:
    return for_each_active_tenant(rewards_approve_due_task)


@shared_task(acks_late=True)
def referrals_expire_task(tenant_id: int):
    """Expire one tenant's pending referrals past their window; idempotent."""
    return run_in_tenant(tenant_id, referrals_expire)


@shared_task
def referrals_expire_all_task() -> int:
    return for_each_active_tenant(referrals_expire_task)
