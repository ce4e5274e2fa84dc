from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dashboard.core"
    label = "core"

    def ready(self) -> None:
        # Performance workaround, isolated in one module with its own switch (runtime.tables2_signature).
        from dashboard.runtime.tables2_signature import install

        install()
