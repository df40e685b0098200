"""Celery adapters of customers: the personal-data erasure job."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from customers.services.erasure import ERASE_TASK, erasure_run


@shared_task(
    name=ERASE_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=6,
)
def customer_erasure_task(job_id: int) -> str:
    return erasure_run(job_id)
