"""REST adapters of the UGC app."""
