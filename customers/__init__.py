"""Customers: customers, stage history, activity events and their ingestion (issue 3)."""
