"""The demo: seeding a tenant with every app's data (project level, above all apps)."""
