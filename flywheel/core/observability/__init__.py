"""Observability: request ids, structured logs, Prometheus metrics and optional error tracking.

Everything here is core: apps count their own work through `metrics`, never build their own.
"""
