"""Accounts: tenants, users, memberships and roles, API keys and tokens, authentication."""
