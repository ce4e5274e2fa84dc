from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "dashboard.statements"
    label = "statements"
    verbose_name = "Bank statement imports"
