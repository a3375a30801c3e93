"""Account operations: every write to a user goes through here."""

import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from auth_service.accounts import addresses, email_tokens, second_factor, tasks
from auth_service.accounts.models import TOTPDevice, User
from auth_service.celery import app as celery_app
from auth_service.lib import totp
from auth_service.lib.exceptions import Conflict, InvalidInput, Refused
from auth_service.tokens import deletion_orders, lockout
from auth_service.tokens.models import TokenFamily
from auth_service.tokens.services import user_sessions_revoke

logger = logging.getLogger(__name__)

DELETE_USER_DATA_TASK = "resource.delete_user_data"
# The resource service's queue lies under its own Redis key prefix, not this service's (settings.py).
RESOURCE_KEY_PREFIX = "resource:"


class EmailTaken(InvalidInput):
    """Another account already uses this email address."""

    field = "email"
    message = "An account with this email already exists."


class InvalidEmail(InvalidInput):
    """An address that cannot be stored (accounts/addresses.py); the message says why."""

    field = "email"


def _address(email: str) -> str:
    try:
        return addresses.normalize(email)
    except addresses.InvalidAddress as exc:
        raise InvalidEmail(str(exc)) from exc


class WrongPassword(InvalidInput):
    """The current password given to confirm an operation does not match; `field` names the input."""

    field = "password"
    message = "The password is not correct."


class InvalidVerificationToken(InvalidInput):
    """The verification link is malformed, used, replaced by a newer one, or expired."""

    field = "token"
    message = "The verification link is invalid or has expired."


class InvalidResetToken(InvalidInput):
    """The reset link is malformed, used, or expired."""

    field = "token"
    message = "The reset link is invalid or has expired."


class WeakPassword(InvalidInput):
    """A new password that Django's password validators refuse; the messages say why."""

    field = "new_password"


def _password_validate(*, password: str, user: User, field: str = "new_password") -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS); WeakPassword on the field if one refuses."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise WeakPassword(*exc.messages, field=field) from exc


def user_register(*, email: str, password: str, display_name: str = "") -> User:
    """Create an active account and send it a welcome email; the address is stored in its one form."""
    email = _address(email)
    _password_validate(password=password, user=User(email=email, display_name=display_name), field="password")
    if User.objects.filter(email=email).exists():
        raise EmailTaken
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name, email_verification_sent_at=timezone.now()
            )
            user_id = str(user.pk)
            transaction.on_commit(lambda: tasks.send_welcome_email.delay(user_id))
    except IntegrityError:
        # A concurrent registration of the same address committed first (the unique index saw both).
        if User.objects.filter(email=email).exists():
            raise EmailTaken from None
        raise
    return user


def _notify(*, user: User, event: str) -> None:
    """Mail the owner about a change to the account's security once it commits (emails.NOTICES)."""
    user_id = str(user.pk)
    transaction.on_commit(lambda: tasks.send_security_notification.delay(user_id, event))


def _user_from_uid(uid: str) -> User | None:
    """The active user whose id a link carries, base64-encoded."""
    try:
        user_id = uuid.UUID(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@transaction.atomic
def email_verify(*, uid: str, token: str) -> None:
    """Mark the address verified with the token of its latest link; InvalidVerificationToken otherwise. The row is
    locked first, so that of two uses of one link at once, one verifies and the other finds it used."""
    user = _user_from_uid(uid)
    if user is not None:
        user = User.objects.select_for_update().get(pk=user.pk)
    if user is None or not email_tokens.check(user, token):
        raise InvalidVerificationToken
    user.email_verified = True
    user.save(update_fields=["email_verified"])


def email_verification_resend(*, email: str) -> None:
    """Mail a new verification link if an active account has this address and it is not verified (the links sent
    before stop working); say nothing either way."""
    user = User.objects.filter(email=_address(email), is_active=True, email_verified=False).first()
    if user is not None:
        user.email_verification_sent_at = timezone.now()
        user.save(update_fields=["email_verification_sent_at"])
        user_id = str(user.pk)
        transaction.on_commit(lambda: tasks.send_verification_email.delay(user_id))


def user_update(*, user: User, display_name: str | None = None) -> User:
    """Change the profile fields a user may edit that are given."""
    if display_name is not None:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user


def _password_confirm(*, user: User, password: str, field: str = "password") -> None:
    """Check the password a change or a deletion re-confirms; each try counts towards the login lockout, so that
    a stolen access token cannot guess the password."""
    key = lockout.attempt(email=user.email)
    if not user.check_password(password):
        raise WrongPassword(field=field)
    lockout.clear(key=key)


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str, keep_family_id: str | None) -> None:
    """Set a new password and end every other login of the user."""
    _password_validate(password=new_password, user=user)
    _password_confirm(user=user, password=old_password, field="old_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_sessions_revoke(user=user, reason=TokenFamily.Reason.PASSWORD_CHANGE, keep_family_id=keep_family_id)
    _notify(user=user, event="password_changed")


@transaction.atomic
def user_password_save(*, user: User) -> None:
    """Save the password an admin set for the user (or made unusable), ending every login of the user as a
    reset does."""
    user.save(update_fields=["password"])
    user_sessions_revoke(user=user, reason=TokenFamily.Reason.PASSWORD_RESET)


def password_reset_request(*, email: str) -> None:
    """Email a reset link if an active account has this address; say nothing either way."""
    user = User.objects.filter(email=_address(email), is_active=True).first()
    if user is not None:
        user_id = str(user.pk)
        transaction.on_commit(lambda: tasks.send_password_reset_email.delay(user_id))


def _password_reset_user(*, uid: str, token: str) -> User:
    """The active user a reset link is for, if the link is still good."""
    user = _user_from_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken
    return user


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> None:
    """Set a new password through a reset link; the link dies with the old password, and so do all logins. The
    link came to the account's address, so the address is verified as well."""
    user = _password_reset_user(uid=uid, token=token)
    _password_validate(password=new_password, user=user)
    user.set_password(new_password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    user_sessions_revoke(user=user, reason=TokenFamily.Reason.PASSWORD_RESET)
    _notify(user=user, event="password_reset")


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Deactivate the account and revoke all its tokens (the admin's action)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions_revoke(user=user, reason=TokenFamily.Reason.DEACTIVATION)


@transaction.atomic
def user_delete(*, user: User, password: str) -> None:
    """With the account's password: deactivate the account, revoke its tokens, and have the resource service
    delete its data.

    The deletion message is sent before the deactivation commits, not after: if the broker cannot take it, the
    account stays as it was and the caller can try again, instead of an inactive account whose data is never
    deleted. (The resource worker reads nothing of this database, so it cannot run ahead of the commit.)
    """
    _password_confirm(user=user, password=password)
    user_deactivate(user=user)
    _user_data_deletion_send(user=user)
    _notify(user=user, event="account_deleted")
    logger.info("account deleted", extra={"user_id": str(user.pk)})


@transaction.atomic
def user_erase(*, user: User) -> None:
    """The admin's deletion: the API's (tokens revoked, the resource service's data deleted), and the row too."""
    user_id = str(user.pk)
    user_deactivate(user=user)
    _user_data_deletion_send(user=user)
    user.delete()
    logger.info("account erased by an admin", extra={"user_id": user_id})


def _user_data_deletion_send(*, user: User) -> None:
    """Queue the deletion of the user's data in the resource service, with the signed order it obeys."""
    user_id = str(user.pk)
    order = deletion_orders.deletion_order(user_id=user_id)
    with celery_app.connection_for_write(transport_options={"global_keyprefix": RESOURCE_KEY_PREFIX}) as connection:
        # The order is a token: the workers' logs show the arguments' repr, which names it without its value.
        celery_app.send_task(
            DELETE_USER_DATA_TASK,
            args=[user_id, order],
            argsrepr=repr([user_id, "<order>"]),
            queue="resource",
            connection=connection,
        )


class ReauthenticationRequired(Refused):
    message = "Log in again first: this needs a login of the last few minutes."
    code = "reauthentication_required"


def recent_login_check(*, auth_time: object) -> None:
    """ReauthenticationRequired unless the session's login (its tokens' auth_time) is at most REAUTH_MAX_AGE old."""
    if not isinstance(auth_time, int | float) or time.time() - auth_time > settings.REAUTH_MAX_AGE:
        raise ReauthenticationRequired


class TOTPAlreadyOn(Conflict):
    message = "TOTP is already on; turn it off first."


class TOTPNotOn(Conflict):
    message = "TOTP is not on."


class WrongCode(InvalidInput):
    field = "code"
    message = "The code is not valid."


@transaction.atomic
def totp_enrol(*, user: User) -> dict[str, str]:
    """Start (or start again) an enrolment: a new secret, inactive until a code confirms it."""
    if second_factor.is_on(user):
        raise TOTPAlreadyOn
    secret, encrypted = totp.new_secret()
    TOTPDevice.objects.update_or_create(user=user, defaults={"secret": encrypted, "last_step": None})
    return {"secret": secret, "otpauth_uri": totp.otpauth_uri(secret=secret, name=user.email)}


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> list[str]:
    """Turn TOTP on with a code of the enrolment's secret; the recovery codes, shown this once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise TOTPNotOn("Start an enrolment first.")
    if device.confirmed_at is not None:
        raise TOTPAlreadyOn
    step = second_factor.code_step(device, code)
    if step is None:
        raise WrongCode
    device.confirmed_at, device.last_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = second_factor.recovery_codes_new(user)
    _notify(user=user, event="mfa_enabled")
    return codes


def _totp_remove(*, user: User) -> bool:
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    user.recovery_codes.all().delete()
    return bool(removed)


@transaction.atomic
def totp_disable(*, user: User, password: str) -> None:
    """Turn TOTP off with the account's password; the recovery codes are void."""
    _password_confirm(user=user, password=password)
    if _totp_remove(user=user):
        _notify(user=user, event="mfa_disabled")


@transaction.atomic
def totp_turn_off(*, user: User) -> None:
    """The admin's support action: TOTP off, as its owner would turn it off."""
    if _totp_remove(user=user):
        _notify(user=user, event="mfa_disabled")


@transaction.atomic
def recovery_codes_regenerate(*, user: User, password: str) -> list[str]:
    """A new set of recovery codes, with the account's password; the old ones are void."""
    _password_confirm(user=user, password=password)
    if not second_factor.is_on(user):
        raise TOTPNotOn
    codes = second_factor.recovery_codes_new(user)
    _notify(user=user, event="recovery_codes")
    return codes
