"""Flywheel: the Django project package and its cross-cutting core."""

from flywheel.celery import app as celery_app

__all__ = ("celery_app",)
