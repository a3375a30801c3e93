"""Creates the database's owner and application user (lib/postgres/roles.py), connected as the master user."""

from django.core.management.base import BaseCommand

from resource_service.lib.env import envsecret
from resource_service.lib.postgres.roles import database_roles_create


class Command(BaseCommand):
    help = (
        "Create or update the schema's owner (DATABASE_OWNER_USER, _PASSWORD) and the application user"
        " (DATABASE_APP_USER, _PASSWORD), connected as the database's master user."
    )

    def handle(self, *args, **options):
        database_roles_create(
            owner=envsecret("DATABASE_OWNER_USER", required=True) or "",
            owner_password=envsecret("DATABASE_OWNER_PASSWORD", required=True) or "",
            app=envsecret("DATABASE_APP_USER", required=True) or "",
            app_password=envsecret("DATABASE_APP_PASSWORD", required=True) or "",
        )
        self.stdout.write("database users ready")
