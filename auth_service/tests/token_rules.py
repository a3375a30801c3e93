"""The oracle of the claim and header properties: what the contract refuses in a token signed with a trusted key,
whatever else the token holds (CONTRACT.md, Tokens)."""

import time
import uuid

LEEWAY = 30  # the contract's most
LATEST_NUMERIC_DATE = 253_370_764_800
KEY_SOURCES = ("jku", "jwk", "x5u", "x5c")


def _numeric_date(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= LATEST_NUMERIC_DATE


def _string(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _audience(value: object, audience: str) -> bool:
    return value == audience or (isinstance(value, list) and audience in value)


def claim_refused(name: str, value: object, issued: dict) -> str | None:
    """Why the contract refuses a token whose claim `name` was changed to `value` from the `issued` claims: the
    claim's name, or "expired"; None if it need not."""
    if name in ("iss", "token_type"):
        wrong = value != issued[name]
    elif name == "aud":
        wrong = not _audience(value, issued["aud"])
    elif name == "sub":
        wrong = not _uuid(value)
    elif name in ("exp", "iat", "nbf", "auth_time"):
        wrong = not _numeric_date(value)
        if not wrong and name == "exp" and value < time.time() - LEEWAY:
            return "expired"
    elif name in ("jti", "sid"):
        wrong = not _string(value)
    elif name == "amr":
        wrong = not (isinstance(value, list) and all(map(_string, value)))
    elif name == "email_verified":
        wrong = not isinstance(value, bool)
    else:
        wrong = False
    return name if wrong else None


def header_refused(name: str, value: object, issued: dict) -> bool:
    """Whether the contract refuses a token whose header field `name` was changed to `value` from the `issued`
    header: another algorithm or key, another type, an extension it must understand (RFC 7515, 4.1.11), a key
    source it must not follow."""
    if name in ("alg", "kid"):
        return value != issued[name]
    if name == "typ":
        return not (isinstance(value, str) and value.upper() == "JWT")
    return name == "crit" or name in KEY_SOURCES


def refusals(issued_header: dict, issued_claims: dict, header: dict, claims: dict) -> set[str]:
    """Why the contract refuses the token once the header and the claims were changed so: the names of the fields
    it refuses, and "expired"; empty if it need not refuse it."""
    reasons = {name for name, value in header.items() if header_refused(name, value, issued_header)}
    return reasons | {claim_refused(name, value, issued_claims) for name, value in claims.items()} - {None}
