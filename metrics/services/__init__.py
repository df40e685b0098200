"""Write use-cases of metrics: snapshots, KPI alerts and thresholds, recompute jobs."""
