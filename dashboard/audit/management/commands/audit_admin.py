"""Make a person a dashboard administrator (sees everyone's audit records), or stop them being one.

python manage.py audit_admin grant someone@example.com
python manage.py audit_admin revoke someone@example.com
python manage.py audit_admin list
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Grant, revoke or list the audit.view_all permission (dashboard administrators)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("email", nargs="?", help="The person's Nexudus email (they must have signed in once).")

    def handle(self, *args, action: str, email: str | None = None, **options) -> None:
        permission = Permission.objects.get(codename="view_all", content_type__app_label="audit")
        users = get_user_model().objects
        if action == "list":
            for holder in users.filter(user_permissions=permission).order_by("username"):
                self.stdout.write(holder.get_username())
            return
        if not email:
            raise CommandError("Say whose access to change: audit_admin grant someone@example.com")
        person = users.filter(username=email.strip().lower()).first()
        if person is None:
            raise CommandError(f"No user {email!r}: they must sign in to Billing Desk once first.")
        if action == "grant":
            person.user_permissions.add(permission)
        else:
            person.user_permissions.remove(permission)
        status = "now" if action == "grant" else "no longer"
        self.stdout.write(f"{person.get_username()}: {status} a dashboard administrator.")
