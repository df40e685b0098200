"""REST adapters of the customers app."""
