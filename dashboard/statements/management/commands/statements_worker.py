"""The background worker: first re-queue imports a dead worker left half-posted, then run django-tasks' worker."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dashboard.statements.posting import interrupted_imports
from dashboard.statements.tasks import post_statement_import


class Command(BaseCommand):
    help = "Run the task worker (bank statement imports), resuming any import a stopped worker left behind."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue.")

    def handle(self, *args, interval: float, **options) -> None:
        for import_id in interrupted_imports():
            post_statement_import.enqueue(import_id)
            self.stdout.write(f"Resuming statement import {import_id}")
        call_command("db_worker", interval=interval, startup_delay=False, reload=False)
