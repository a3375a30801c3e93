from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "resource_service.exports"
    label = "exports"
