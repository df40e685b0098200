"""Customer-facing words in the tenant's language: English or German tables per app."""


def in_language(tables: dict[str, dict], tenant) -> dict:
    """The table of the tenant's language (English when unknown), `{tenant}` filled in."""
    table = tables.get(getattr(tenant, "language", "en"), tables["en"])
    name = getattr(tenant, "name", "")
    return {
        key: (value.format(tenant=name) if isinstance(value, str) else value)
        for key, value in table.items()
    }
