"""Audit trail: every change to accounts data (by staff in the admin, or anyone) is logged."""

from auditlog.registry import auditlog

from accounts.models import ApiKey, Membership, PersonalToken, Tenant, User

auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(Tenant)
auditlog.register(Membership)
auditlog.register(ApiKey, exclude_fields=["key_hash", "last_used_at"])
auditlog.register(PersonalToken, exclude_fields=["key_hash", "last_used_at"])
