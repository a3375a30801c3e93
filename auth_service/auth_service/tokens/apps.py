from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "auth_service.tokens"
    label = "tokens"
