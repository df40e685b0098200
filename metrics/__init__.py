"""Metrics: KPI registry, snapshot computation, alerts, acquisition spend (issue 7)."""
