"""Verification of the tokens the auth service signs: the header, the JSON types of the claims, then PyJWT.

PyJWT compares `alg`, `iss` and `aud` and checks the times, but reads a NumericDate with `int()`, so it lets
through a numeric string, a boolean or a number too large for a date; those then fail wherever the claim is
used, or pass as a time they are not. Here every claim that the services read must have its own JSON type, and
a time a sane value (RFC 7515, RFC 7519), before PyJWT looks at it.
"""

import uuid

import jwt
from django.conf import settings
from rest_framework.authentication import get_authorization_header

from resource_service.tokens import keys
from resource_service.tokens.jwk import ALGORITHM

# 9999-01-01T00:00:00Z: later times do not fit a datetime once leeway or rounding is added.
LATEST_NUMERIC_DATE = 253_370_764_800
# The header fields that would name a key other than the `kid` of a trusted key; none is ever followed.
KEY_SOURCE_FIELDS = frozenset({"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"})
MAX_STRING_LENGTH = 1024


class InvalidClaims(jwt.InvalidTokenError):
    """A header field or claim has the wrong JSON type or an impossible value."""


def _is_numeric_date(value: object) -> bool:
    # bool is an int in Python but not a number in JSON; NaN and the infinities fail the comparisons.
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= LATEST_NUMERIC_DATE


def _is_string(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_STRING_LENGTH and value.isprintable()


def check_header(header: dict) -> None:
    """`kid` a string, `typ` (if any) "JWT", no key source, no critical extension, no nested token."""
    if not _is_string(header.get("kid")):
        raise InvalidClaims("kid")
    if "typ" in header and not (isinstance(header["typ"], str) and header["typ"].upper() == "JWT"):
        raise InvalidClaims("typ")
    refused = KEY_SOURCE_FIELDS.union({"crit", "cty"}).intersection(header)
    if refused:
        raise InvalidClaims(", ".join(sorted(refused)))


def check_claims(claims: dict) -> None:
    """Times as NumericDates in range, the string claims as non-empty printable strings, `amr` as a list of them,
    `email_verified` a boolean."""
    for name in ("exp", "iat", "nbf", "auth_time"):
        if name in claims and not _is_numeric_date(claims[name]):
            raise InvalidClaims(name)
    for name in ("iss", "sub", "jti", "token_type", "sid"):
        if name in claims and not _is_string(claims[name]):
            raise InvalidClaims(name)
    if "amr" in claims and not (isinstance(claims["amr"], list) and all(map(_is_string, claims["amr"]))):
        raise InvalidClaims("amr")
    if "email_verified" in claims and not isinstance(claims["email_verified"], bool):
        raise InvalidClaims("email_verified")
    audience = claims.get("aud")
    if not (_is_string(audience) or (isinstance(audience, list) and audience and all(map(_is_string, audience)))):
        raise InvalidClaims("aud")


REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "aud"]
ACCESS = "access"


def bearer_token(request) -> bytes | None:
    """The token of an `Authorization: Bearer <token>` header. None without the header, with an empty one or with
    another scheme: no credentials. jwt.InvalidTokenError when `Bearer` is followed by anything but one token."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0] != b"Bearer":
        return None
    if len(parts) != 2:
        raise jwt.InvalidTokenError("Bearer takes one token")
    return parts[1]


def verified_claims(token: str | bytes, *, token_type: str) -> dict:
    """The claims of a token the auth service signed for the audience, of this type. jwt.ExpiredSignatureError if
    it expired, another jwt.InvalidTokenError if anything else is wrong with it."""
    header = jwt.get_unverified_header(token)
    check_header(header)
    check_claims(jwt.decode(token, options={"verify_signature": False}))
    public_key = keys.verification_key(header["kid"])
    if public_key is None:
        raise jwt.InvalidTokenError("no trusted key has this kid")
    verified = jwt.decode(
        token,
        public_key,
        algorithms=[ALGORITHM],
        audience=settings.JWT_AUDIENCE,
        issuer=settings.JWT_ISSUER,
        leeway=settings.JWT_LEEWAY_SECONDS,
        options={
            "require": REQUIRED_CLAIMS,
            "verify_signature": True,
            "verify_aud": True,
            "verify_iss": True,
            "verify_exp": True,
            "verify_iat": True,
            "verify_nbf": True,
        },
    )
    if verified.get("token_type") != token_type:
        raise jwt.InvalidTokenError("another type of token")
    return verified


def is_canonical_uuid(value: object) -> bool:
    """Whether the value is a UUID as the auth service writes one; any other spelling would name the same id."""
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False
