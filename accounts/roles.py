"""Membership roles and their order: each role can do everything the ones below it can."""

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    MEMBER = "member", "Member"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_at_least(role: str, required: str) -> bool:
    """True when `role` grants what `required` grants."""
    return _RANK[Role(role)] >= _RANK[Role(required)]
