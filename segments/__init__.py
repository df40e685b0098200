"""Segments: market segment scoring, beachhead sizing, health scores, saved segments (issue 6)."""
