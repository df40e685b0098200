"""Audit trail of customer records (events are immutable facts and not audited)."""

from auditlog.registry import auditlog

from customers.models import Customer

auditlog.register(Customer, exclude_fields=["updated_at", "last_seen_at"])
