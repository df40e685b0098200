"""The cross-cutting core every app uses: tenancy, API conventions, operations."""
