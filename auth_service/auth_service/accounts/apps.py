from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "auth_service.accounts"
    label = "accounts"
