from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "resource_service.staff"
    default_auto_field = "django.db.models.BigAutoField"
