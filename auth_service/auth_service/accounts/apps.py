from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "auth_service.accounts"
    label = "accounts"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with the site whose login keeps the API's limits (admin_site.py)."""

    default = False  # the accounts app's configuration is the other one
    default_site = "auth_service.accounts.admin_site.AdminSite"
