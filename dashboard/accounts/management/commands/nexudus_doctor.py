"""`manage.py nexudus_doctor`: before going live, check what the configured Nexudus really does, with your
own Nexudus credentials (prompted; nothing is stored), and whether the dashboard's settings agree.

Lives in accounts because signing in to Nexudus with a person's credentials is this app's concern; the
probes themselves are in dashboard.nexudus.doctor (the only code that talks HTTP to Nexudus). Read-only:
only GETs after the sign-in, which uses a client_id of its own so no dashboard session loses its tokens.
Exit status: 0 all agree, 1 a setting disagrees with what was seen, 2 the checks could not run.
"""

from __future__ import annotations

import getpass
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from dashboard.nexudus import doctor
from dashboard.nexudus.errors import NexudusError, NexudusTwoFactorRequired


class Command(BaseCommand):
    help = "Read-only check of the configured Nexudus: sort direction, enums, dates, balances, roles, latency."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="your Nexudus email (prompted when missing)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password (and a 2FA code on the next line, if asked) from stdin",
        )
        parser.add_argument("--totp", help="the current 2FA code, when your account has 2FA")
        parser.add_argument("--url", help="Nexudus base URL (default NEXUDUS_API_URL)")

    def handle(self, *args, **options) -> None:
        url = (options["url"] or settings.NEXUDUS_API_URL).rstrip("/")
        from_stdin = options["password_stdin"]
        lines = iter(sys.stdin.read().splitlines()) if from_stdin else iter(())
        email = options["email"] or input("Nexudus email: ").strip()
        password = next(lines, "") if from_stdin else getpass.getpass("Nexudus password: ")
        totp = options["totp"]
        self.stdout.write(f"Checking {url} as {email} (read-only; nothing is stored).\n")
        try:
            try:
                token = doctor.sign_in(email=email, password=password, totp=totp, url=url)
            except NexudusTwoFactorRequired:
                totp = next(lines, "") if from_stdin else getpass.getpass("2FA code: ")
                token = doctor.sign_in(email=email, password=password, totp=totp.strip(), url=url)
            report = doctor.examine(token, url=url)
        except NexudusError as error:
            self.stderr.write(f"Could not check Nexudus: {doctor.describe_failure(error)}")
            raise SystemExit(2) from None
        del password, token
        for finding in report.findings:
            mark = "DISAGREES" if finding.disagrees else "ok"
            self.stdout.write(f"[{mark}] {finding.topic}: {finding.words}")
            if finding.setting:
                self.stdout.write(f"        setting to use: {finding.setting}")
        if report.disagreements:
            self.stdout.write(f"\n{len(report.disagreements)} setting(s) disagree with what Nexudus does.")
            raise SystemExit(1)
        self.stdout.write("\nEvery setting agrees with what Nexudus does.")
