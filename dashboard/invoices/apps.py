from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "dashboard.invoices"
    label = "invoices"
    verbose_name = "Invoice lookup and quick find"
