"""Per-tenant mutual exclusion for whole-tenant jobs, held until the transaction ends.

Two runs of one job for one tenant (a nightly health recompute and one asked for through the
API, say) must not interleave their reads and writes: the second waits for the first to
commit, then works on its result. PostgreSQL's transaction-level advisory locks do this
without a table; SQLite runs one writer at a time anyway, so there it is a no-op.
"""

from django.db import connection


def lock_tenant_job(job: str, tenant_id: int) -> None:
    """Block until no other transaction holds (`job`, tenant); must run inside atomic()."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_tenant_job needs a transaction (it is held until commit).")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{job}:{tenant_id}"]
        )
