from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "dashboard.ledger"
    label = "ledger"
