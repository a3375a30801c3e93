"""The second factor of the resource admin's staff. The service has no API users, so a staff account sets it up at
its first login: once the password is right, the login page shows a new secret (never a log or the console, which
keep what they show) and takes a code of it with the password; from then on every login needs a code. An operator
whose staff member lost the app removes the secret (manage.py staff_totp_reset), and the next login sets up another.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from resource_service.lib import totp
from resource_service.staff.models import StaffTOTP


class SetUpRequired(Exception):
    """The account has no confirmed secret yet: `secret` and `uri` are the one to set up."""

    def __init__(self, *, secret: str, uri: str):
        super().__init__("a second factor is to be set up")
        self.secret, self.uri = secret, uri


def code_check(*, user: User, code: str) -> bool:
    """Whether the code is right for the account's secret, once (the row locked while it is checked, across
    workers). An account without a confirmed secret gets one to set up (SetUpRequired, the same one until a code
    confirms it)."""
    StaffTOTP.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()[1]})
    with transaction.atomic():
        device = StaffTOTP.objects.select_for_update().get(user=user)
        secret = totp.decrypt(device.secret)
        step = totp.accepted_step(secret=secret, code=code, last_step=device.last_step)
        if step is not None:
            device.last_step = step
            device.confirmed_at = device.confirmed_at or timezone.now()
            device.save(update_fields=["last_step", "confirmed_at"])
            return True
    if device.confirmed_at is None:
        raise SetUpRequired(secret=secret, uri=totp.otpauth_uri(secret=secret, name=user.get_username()))
    return False


def totp_reset(*, user: User) -> bool:
    """Remove the account's secret (a lost app); its next login sets up a new one. Whether there was one."""
    removed, _ = StaffTOTP.objects.filter(user=user).delete()
    return bool(removed)
