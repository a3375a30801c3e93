"""Failed-password limits per account, kept in Redis so they hold across processes and replicas.

An account is keyed by a hash of its address in the form the login looks it up by (accounts/addresses.py), so
that every spelling of one address counts against one account; an address that has no such form is keyed as
given (no account has it). Whether or not such an account exists, so a locked unknown address looks exactly like
a locked real one.

Each check of an account's password (a login, and the password a change or a deletion re-confirms) is counted
before it is made, in one atomic step with the check of the limit, and a success forgets the count: of a burst of
parallel tries, no more than the limit are checked. The window starts at the first try.
"""

import hashlib

from django.conf import settings

from auth_service.accounts import addresses
from auth_service.lib import limits
from auth_service.lib.exceptions import TooManyAttempts

KEY = "auth:login-failures:{}"


class AccountLocked(TooManyAttempts):
    """Too many failed tries of this account's password; `retry_after` seconds remain."""

    message = "Too many failed logins; try again later."


def account_key(email: str) -> str:
    """The Redis key of the account this address logs in to."""
    try:
        canonical = addresses.normalize(email)
    except addresses.InvalidAddress:
        canonical = email
    return KEY.format(hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest())


def attempt(*, email: str) -> str:
    """Count a try at the account's password before it is checked; AccountLocked if it is one too many. Returns
    the account's key, for clear()."""
    key = account_key(email)
    tries, seconds_left = limits.count_try(key, settings.LOGIN_LOCKOUT_SECONDS)
    if tries > settings.LOGIN_MAX_FAILURES:
        raise AccountLocked(seconds_left)
    return key


def clear(*, key: str) -> None:
    """Forget the tries of an account whose password was right."""
    limits.forget(key)
