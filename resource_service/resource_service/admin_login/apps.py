from django.contrib.admin import apps as admin_apps


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with the site whose login is limited (site.py)."""

    default_site = "resource_service.admin_login.site.AdminSite"
