from django.apps import AppConfig


class PaymentTokensConfig(AppConfig):
    name = "dashboard.payment_tokens"
    label = "payment_tokens"

    def ready(self) -> None:
        from dashboard.core.preferences import register_table

        from .tables import PaymentTokenTable

        register_table(PaymentTokenTable, saved_view_url="payment_tokens:list", saved_view_label="Payment tokens")
