from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dashboard.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from dashboard.core.preferences import register_table

        from . import signals  # noqa: F401  (connects the sign-in / sign-out receivers)
        from .tables import AuditRecordTable

        register_table(AuditRecordTable, saved_view_url="audit:list", saved_view_label="Audit trail")
