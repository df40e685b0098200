"""What metrics' tables hold: aggregates and configuration, and who acknowledged an alert."""

from flywheel.core.personal_data import fields

fields("metrics.KpiSnapshot", none=("granularity", "values", "inputs", "channel_inputs"))
fields("metrics.AcquisitionSpend", none=("channel", "note"))
fields("metrics.KpiThreshold", none=("kpi", "mode"))
fields("metrics.KpiAlert", member=("acknowledged_by",), none=("kpi", "granularity", "mode"))
fields("metrics.KpiJob", member=("requested_by",), none=("granularity", "status", "error"))
