from django.apps import AppConfig


class OwnersConfig(AppConfig):
    name = "resource_service.owners"
    label = "owners"
