from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "resource_service.exports"
    label = "exports"

    def ready(self) -> None:
        from resource_service.exports import signals  # noqa: F401  (an export's file goes with its row)
