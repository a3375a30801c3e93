"""Django's admin, whose login counts its tries per client address and per account in Redis.

Each try costs a password hash (PBKDF2 at a million iterations) whether or not the account exists, so the
admin's login was a door for guessing passwords and for burning CPU. Here each try is counted before the
password is checked, in one atomic step with the check of the limits: ADMIN_LOGIN_RATE_PER_ADDRESS tries per
minute from an address, LOGIN_MAX_FAILURES failed tries of an account within LOGIN_LOCKOUT_SECONDS of the first
(a right password forgets them). Past either: 429 with Retry-After, for the right password too. Every try is
logged (the account and address, never the password). A staff account needs its second factor too
(staff/services.py: set up at its first login): a wrong code is a failed try like a wrong password.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import JsonResponse
from rest_framework.throttling import BaseThrottle

from resource_service.lib import limits
from resource_service.staff import services

logger = logging.getLogger(__name__)


class AdminLoginForm(AdminAuthenticationForm):
    code = forms.CharField(label="Code from your authenticator app", max_length=32, required=False, strip=True)

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        try:
            accepted = services.code_check(user=user, code=self.cleaned_data.get("code") or "")
        except services.SetUpRequired as setup:
            raise forms.ValidationError(
                "Staff accounts need a second factor here. Add this key to your authenticator app, then log in again "
                "with its code: %(secret)s (or open %(uri)s)",
                params={"secret": setup.secret, "uri": setup.uri},
            ) from None
        if not accepted:
            raise forms.ValidationError("The code is not valid.")


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    login_template = "admin_login.html"

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
