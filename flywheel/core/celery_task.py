"""The base class of every Celery task: each run starts with no tenant and no cross-tenant
mark, whatever the calling context held (an eager task runs in its caller's context)."""

from celery import Task


class ScopedTask(Task):
    def __call__(self, *args, **kwargs):
        from flywheel.core.tenancy import unscoped  # models load after Celery's app

        with unscoped():
            return super().__call__(*args, **kwargs)
