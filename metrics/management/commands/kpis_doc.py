"""`manage.py kpis_doc [--write]`: print (or write) docs/kpis.md from the KPI registry."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from metrics.registry import render_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "kpis.md"


class Command(BaseCommand):
    help = "Render docs/kpis.md from metrics/registry.py."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"Write {DOC}.")

    def handle(self, *args, write: bool, **options):
        text = render_markdown()
        if write:
            DOC.write_text(text)
            self.stdout.write(f"Wrote {DOC}.")
        else:
            self.stdout.write(text, ending="")
