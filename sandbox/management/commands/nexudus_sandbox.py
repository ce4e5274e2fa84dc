"""`manage.py nexudus_sandbox`: run the Nexudus API sandbox (options: see sandbox/README.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sandbox.cli import add_arguments, run


class Command(BaseCommand):
    help = "Run the Nexudus API sandbox: an emulator of the documented Nexudus REST API."
    requires_system_checks: list[str] = []  # the sandbox uses no Django models or settings

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(options)
