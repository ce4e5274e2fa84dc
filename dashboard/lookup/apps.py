from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "dashboard.lookup"
    label = "lookup"
    verbose_name = "Invoice lookup and quick find"
