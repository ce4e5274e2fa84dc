from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dashboard.core"
    label = "core"

    def ready(self) -> None:
        # Performance: django-tables2 recomputes inspect.signature() for every call_with_appropriate()
        # (headers, links, attrs); memoise it per function (see core.table_body.cached_signature).
        from .table_body import install_cached_signature

        install_cached_signature()
