from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "dashboard.ledger"
    label = "ledger"

    def ready(self) -> None:
        from dashboard.core.preferences import register_table

        from .tables import CustomerLedgerTable, LedgerEntryTable

        register_table(LedgerEntryTable, saved_view_url="ledger:list", saved_view_label="Ledger entries")
        register_table(CustomerLedgerTable)
