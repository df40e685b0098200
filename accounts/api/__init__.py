"""REST adapters of the accounts app."""
