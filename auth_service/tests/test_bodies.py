"""One body policy on every endpoint: a body that is not UTF-8 JSON of a sane size and depth, with each name once,
is a 400 with the usual error shape; any JSON in any field is a 2xx or a 4xx, never a 5xx."""

import json
import uuid

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from auth_service.accounts import email_tokens
from auth_service.accounts import services as account_services
from auth_service.accounts.models import TOTPDevice, User
from auth_service.tokens import challenges, services
from tests.conftest import PASSWORD
from tests.strategies import bodies, holds_every_field, strict_json_values

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different and long passphrase"
# Every endpoint that reads a body: method, path, whether it needs the bearer token, and its fields with a valid
# value each; "$..." values are filled in per request from a fresh account (placeholders()).
ENDPOINTS = {
    "register": (
        "POST",
        "/auth/register/",
        False,
        {"email": "$new_email", "password": NEW_PASSWORD, "display_name": "A"},
    ),
    "token": ("POST", "/auth/token/", False, {"email": "$email", "password": PASSWORD}),
    "refresh": ("POST", "/auth/token/refresh/", False, {"refresh": "$refresh"}),
    "logout": ("POST", "/auth/logout/", False, {"refresh": "$refresh"}),
    "logout-all": ("POST", "/auth/logout-all/", True, {}),
    "me": ("PATCH", "/auth/me/", True, {"display_name": "Alice A."}),
    "delete-me": ("DELETE", "/auth/me/", True, {"password": PASSWORD}),
    "password-change": (
        "POST",
        "/auth/password/change/",
        True,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "password-reset": ("POST", "/auth/password/reset/", False, {"email": "$email"}),
    "password-reset-confirm": (
        "POST",
        "/auth/password/reset/confirm/",
        False,
        {"uid": "$uid", "token": "$reset_token", "new_password": NEW_PASSWORD},
    ),
    "email-verify": ("POST", "/auth/email/verify/", False, {"uid": "$uid", "token": "$verify_token"}),
    "email-verify-resend": ("POST", "/auth/email/verify/resend/", False, {"email": "$email"}),
    "token-mfa": ("POST", "/auth/token/mfa/", False, {"mfa_token": "$mfa_token", "code": "$totp_code"}),
    "totp-confirm": ("POST", "/auth/mfa/totp/confirm/", True, {"code": "$totp_code"}),
    "totp-delete": ("DELETE", "/auth/mfa/totp/", True, {"password": PASSWORD}),
    "recovery-codes": ("POST", "/auth/mfa/recovery-codes/", True, {"password": PASSWORD}),
}

# The endpoints that act on an account whose second factor is on.
TOTP_ON = ("token-mfa", "totp-delete", "recovery-codes")


def placeholders(name: str, user: User, pair: dict) -> dict[str, str]:
    """The valid values of the endpoint's fields for the account, each made the way its link or step makes it."""
    user.refresh_from_db()  # the login's last_login is part of a reset token
    values = {
        "$new_email": f"{uuid.uuid4().hex}@example.com",
        "$email": user.email,
        "$refresh": pair["refresh"],
        "$uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "$reset_token": default_token_generator.make_token(user),
    }
    if name == "email-verify":
        user.email_verified, user.email_verification_sent_at = False, timezone.now()
        user.save(update_fields=["email_verified", "email_verification_sent_at"])
        values["$verify_token"] = email_tokens.make(user)
    if name in ("totp-confirm", *TOTP_ON):
        secret = account_services.totp_enrol(user=user)["secret"]
        values["$totp_code"] = pyotp.TOTP(secret).now()
    if name in TOTP_ON:
        account_services.totp_confirm(user=user, code=values["$totp_code"])
        TOTPDevice.objects.filter(user=user).update(last_step=F("last_step") - 2)  # as if a minute had passed
        values["$mfa_token"] = challenges.create(user=user, client_ip=None, user_agent="")
    return values


def send(name: str, body: bytes, redis_db) -> tuple[int, dict | None]:
    """Send the raw body to the endpoint as a fresh account would; the status and the JSON answer."""
    redis_db.flushdb()  # no per-address limit or lockout carried over from another example
    method, path, bearer, _fields = ENDPOINTS[name]
    user = User.objects.create_user(email=f"{uuid.uuid4().hex}@example.com", password=PASSWORD, email_verified=True)
    pair = services.login(email=user.email, password=PASSWORD)
    for placeholder, value in placeholders(name, user, pair).items():
        body = body.replace(json.dumps(placeholder).encode(), json.dumps(value).encode())
    client = APIClient()
    if bearer:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    response = client.generic(method, path, body, content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


LARGE = b'{"display_name": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
BAD_BODIES = {
    "malformed": b'{"email": ',
    "nested-lists": b"[" * 100_000 + b"]" * 100_000,
    "nested-objects": b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    "too-large": LARGE,
    "not-utf-8": b'{"email": "\xff\xfe@example.com"}',
    "duplicate-names": b'{"email": "a@example.com", "email": "b@example.com", "password": "x"}',
    "nan": b'{"email": NaN}',
}


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("case", BAD_BODIES)
def test_a_body_outside_the_policy_is_a_400_with_the_parse_error(redis_db, name, case):
    status, answer = send(name, BAD_BODIES[case], redis_db)
    if name == "logout-all":  # reads no body, so it parses none
        assert status == 204
        return
    assert status == 400
    assert answer["detail"].startswith("JSON parse error - ")


def test_a_body_within_the_policy_is_read(redis_db):
    status, answer = send("me", b'{"display_name": "\\u00e9t\\u00e9 \xc3\xa9t\xc3\xa9"}', redis_db)
    assert (status, answer["display_name"]) == (200, "\u00e9t\u00e9 \u00e9t\u00e9")


@given(name=st.sampled_from(sorted(ENDPOINTS)), data=st.data())
def test_any_json_in_any_field_of_any_endpoint_is_a_2xx_or_a_4xx(redis_db, name, data):
    body = data.draw(bodies(ENDPOINTS[name][3]))
    status, _answer = send(name, json.dumps(body).encode(), redis_db)
    assert status // 100 == 2 if holds_every_field(body, ENDPOINTS[name][3]) else status // 100 in (2, 4)


@given(
    name=st.sampled_from(sorted(ENDPOINTS)), extra=st.dictionaries(st.text(max_size=12), strict_json_values, max_size=3)
)
def test_valid_fields_are_accepted_beside_any_fields_the_endpoint_does_not_read(redis_db, name, extra):
    body = json.dumps({**extra, **ENDPOINTS[name][3]}).encode()
    status, answer = send(name, body, redis_db)
    assert status // 100 == 2, answer
