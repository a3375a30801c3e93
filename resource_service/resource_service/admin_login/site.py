"""Django's admin, whose login counts its tries per client address and per account in Redis.

Each try costs a password hash (PBKDF2 at a million iterations) whether or not the account exists, so the
admin's login was a door for guessing passwords and for burning CPU. Here each try is counted before the
password is checked, in one atomic step with the check of the limits: ADMIN_LOGIN_RATE_PER_ADDRESS tries per
minute from an address, LOGIN_MAX_FAILURES failed tries of an account within LOGIN_LOCKOUT_SECONDS of the first
(a right password forgets them). Past either: 429 with Retry-After, for the right password too. Every try is
logged (the account and address, never the password).
"""

import logging

from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from rest_framework.throttling import BaseThrottle

from resource_service.lib import limits

logger = logging.getLogger(__name__)


class AdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        username = request.POST.get("username", "")[:150]
        address = BaseThrottle().get_ident(request)
        account_key = f"resource:admin-login:account:{username}"

        def audit(outcome: str) -> None:
            logger.info("admin login", extra={"outcome": outcome, "username": username, "client_ip": address})

        tries, wait = limits.count_try(f"resource:admin-login:address:{address}", 60)
        if tries > settings.ADMIN_LOGIN_RATE_PER_ADDRESS:
            audit("throttled")
            return _too_many(wait, "Too many login attempts from this address; try again later.")
        tries, wait = limits.count_try(account_key, settings.LOGIN_LOCKOUT_SECONDS)
        if tries > settings.LOGIN_MAX_FAILURES:
            audit("locked")
            return _too_many(wait, "Too many failed logins; try again later.")
        response = super().login(request, extra_context)
        if request.user.is_authenticated:
            limits.forget(account_key)
            audit("success")
        else:
            audit("bad_credentials")
        return response


def _too_many(retry_after: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=429, headers={"Retry-After": str(retry_after)})
