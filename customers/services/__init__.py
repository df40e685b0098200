"""Write use-cases of customers: records and their lifecycle, bulk upsert, event ingestion."""

from customers.services.bulk import customers_bulk_upsert
from customers.services.customers import (
    customer_change_stage,
    customer_create,
    customer_delete,
    customer_mark_referred,
    customer_unsubscribe,
    customer_update,
)
from customers.services.events import IngestResult, events_ingest

__all__ = [
    "IngestResult",
    "customer_change_stage",
    "customer_create",
    "customer_delete",
    "customer_mark_referred",
    "customer_unsubscribe",
    "customer_update",
    "customers_bulk_upsert",
    "events_ingest",
]
