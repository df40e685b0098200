"""REST adapters of the segments app."""
