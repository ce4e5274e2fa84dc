"""Django app config: only so `manage.py nexudus_sandbox` is found. The sandbox uses no Django at runtime."""

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    label = "sandbox"
    verbose_name = "Nexudus sandbox"
