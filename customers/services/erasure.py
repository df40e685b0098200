"""Erasing a customer's personal data: asked for by the API, run by a task, polled by id."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerErasure
from flywheel.core import personal_data, queue
from flywheel.core.jobs import JobStatus
from flywheel.core.locks import lock_tenant_job
from flywheel.core.tenancy import tenant_scope

ERASE_TASK = "customers.tasks.customer_erasure_task"


def erasure_request(*, customer: Customer, requested_by: str) -> CustomerErasure:
    """Store a queued erasure and enqueue it once the transaction commits (a broker outage
    leaves it queued; asking again enqueues it again)."""
    job = CustomerErasure.objects.create(
        tenant_id=customer.tenant_id, customer=customer, requested_by=requested_by[:200]
    )
    transaction.on_commit(lambda: queue.send(ERASE_TASK, [job.pk]))
    return job


def erasure_run(job_id: int) -> str:
    """Run one erasure (idempotent: a redelivered task erases what is left, then is done)."""
    job = CustomerErasure.all_tenants.select_related("tenant", "customer").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job.status
    with tenant_scope(job.tenant):
        CustomerErasure.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
        try:
            with transaction.atomic():
                lock_tenant_job("erase", job.tenant_id)
                counts = personal_data.erase(Customer.objects.get(pk=job.customer_id))
        except Exception as error:
            CustomerErasure.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            raise
        CustomerErasure.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, counts=counts, error="", finished_at=timezone.now()
        )
    return JobStatus.DONE
