"""Remove a staff account's TOTP secret (a lost app): its next login at the resource admin sets up a new one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from resource_service.staff import services


class Command(BaseCommand):
    help = (
        "Remove a staff account's TOTP secret; its next admin login sets up a new one (nothing secret is shown here)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"no staff account is named {username!r}")
        removed = services.totp_reset(user=user)
        self.stdout.write("Removed; the next login sets up a new one." if removed else "It had none.")
