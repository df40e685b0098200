"""Celery adapters of UGC: reminders and expiry, one small task per tenant."""

from celery import shared_task

from flywheel.core.fanout import for_each_active_tenant, run_in_tenant
from ugc.services.requests import ugc_requests_expire, ugc_requests_remind


@shared_task(acks_late=True)
def ugc_requests_remind_task(tenant_id: int):
    """Remind one tenant's open requests whose reminder time has come; idempotent."""
    return run_in_tenant(tenant_id, ugc_requests_remind)


@shared_task
def ugc_requests_remind_all_task() -> int:
    return for_each_active_tenant(ugc_requests_remind_task)


@shared_task(acks_late=True)
def ugc_requests_expire_task(tenant_id: int):
    """Expire one tenant's overdue requests; idempotent."""
    return run_in_tenant(tenant_id, ugc_requests_expire)


@shared_task
def ugc_requests_expire_all_task() -> int:
    return for_each_active_tenant(ugc_requests_expire_task)
