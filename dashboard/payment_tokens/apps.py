from django.apps import AppConfig


class PaymentTokensConfig(AppConfig):
    name = "dashboard.payment_tokens"
    label = "payment_tokens"
