"""Django's admin, with its login held to the API's rules.

The admin's login form would go around the API's per-address limit, the account lockout and the login audit,
and cost a password hash per try: a door for guessing passwords and for burning CPU and memory. Here it counts
against the same per-address limit as POST /auth/token/ and checks the password through the same service
(tokens.services.credentials_check), and past either limit it answers the same 429 with Retry-After. A staff
account needs its second factor here: a TOTP code or a recovery code, counted towards the same lockout; without
TOTP on (turned on through the API), it cannot log in to the admin at all.
"""

import math
from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import JsonResponse
from rest_framework.exceptions import Throttled

from auth_service.lib.exceptions import TooManyAttempts
from auth_service.lib.throttling import AddressRateThrottle
from auth_service.tokens import services


class AdminLoginForm(AdminAuthenticationForm):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code", max_length=32, required=False, strip=True
    )

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            throttle = AddressRateThrottle()
            try:
                self.user_cache = services.credentials_check(
                    email=email,
                    password=password,
                    client_ip=throttle.get_ident(self.request),
                    user_agent=self.request.headers.get("User-Agent", ""),
                    request=self.request,
                )
            except services.InvalidCredentials:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
            try:
                services.staff_second_factor_check(user=self.user_cache, code=self.cleaned_data.get("code") or "")
            except (services.SecondFactorMissing, services.WrongSecondFactor) as exc:
                raise forms.ValidationError(exc.message) from None
        return self.cleaned_data


def too_many(retry_after: int, detail: str | None = None) -> JsonResponse:
    """The API's 429: DRF's throttled answer, with the reason and Retry-After."""
    throttled = Throttled(wait=retry_after, detail=detail)
    return JsonResponse({"detail": str(throttled.detail)}, status=429, headers={"Retry-After": str(retry_after)})


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    login_template = "admin_login.html"

    def login(self, request, extra_context=None):
        if request.method == "POST":
            throttle = AddressRateThrottle()
            if not throttle.allow_request(request, SimpleNamespace(throttle_scope="login")):
                services.login_throttled(
                    email=request.POST.get("username", "")[:254],
                    client_ip=throttle.get_ident(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
                return too_many(math.ceil(throttle.wait() or 1))
        try:
            return super().login(request, extra_context)
        except TooManyAttempts as exc:
            return too_many(exc.retry_after, exc.message)
