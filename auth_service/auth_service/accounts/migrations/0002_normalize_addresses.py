"""Brings every stored address to its one form (accounts/addresses.py).

An address that has no such form, or whose form another account already has, is left as it is and reported in
the log by the account's id, for an operator to settle: nothing is merged or deleted.
"""

import logging

from django.db import migrations

from auth_service.accounts import addresses

logger = logging.getLogger("auth_service.accounts")


def normalize_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.order_by("date_joined", "id").only("id", "email"):
        try:
            normalized = addresses.normalize(user.email)
        except addresses.InvalidAddress as exc:
            logger.warning(
                "address left as it is: it has no stored form", extra={"user": str(user.id), "reason": str(exc)}
            )
            continue
        if normalized == user.email:
            continue
        other = User.objects.filter(email=normalized).first()
        if other is not None:
            logger.warning(
                "address left as it is: another account has its form",
                extra={"user": str(user.id), "other": str(other.id)},
            )
            continue
        user.email = normalized
        user.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(normalize_addresses, migrations.RunPython.noop)]
