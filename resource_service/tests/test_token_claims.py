"""A token signed with the right key but holding a claim or header field of the wrong JSON type, or a time out of
range, is refused with the uniform 401: never accepted, never a 500."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_service.tokens import revocation
from tests import token_rules
from tests.conftest import ALICE
from tests.signing import KID, claims_for, sign_raw
from tests.strategies import json_values

pytestmark = pytest.mark.django_db

URL = "/api/projects/"
HEADER = {"alg": "RS256", "typ": "JWT", "kid": KID}
NOW = int(time.time())
CLAIMS = ("iss", "aud", "sub", "iat", "exp", "nbf", "jti", "token_type", "sid", "auth_time", "amr", "email_verified")
HEADER_FIELDS = ("alg", "typ", "kid", "cty", "crit", "jku", "jwk", "x5u", "x5c", "x5t", "b64", "zip", "enc")


def status_of(api, token: str) -> int:
    response = api.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    if response.status_code == 401:
        assert response.json() == {"detail": "Authentication credentials were not provided or are not valid."}
    return response.status_code


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "4102444800"),
        ("exp", 10**20),
        ("exp", 1e300),
        ("exp", float("inf")),
        ("exp", float("nan")),
        ("exp", True),
        ("exp", [NOW + 300]),
        ("iat", "1700000000"),
        ("iat", "now"),
        ("iat", True),
        ("iat", -1),
        ("nbf", "1700000000"),
        ("nbf", False),
        ("nbf", None),
    ],
    ids=repr,
)
def test_a_time_claim_of_the_wrong_json_type_or_out_of_range_is_refused(api, claim, value):
    assert status_of(api, sign_raw(HEADER, {**claims_for(ALICE), claim: value})) == 401


def test_a_fractional_numeric_date_in_range_is_accepted(api):
    token = sign_raw(HEADER, claims_for(ALICE, iat=NOW - 0.5, exp=NOW + 299.5, nbf=NOW - 1.25))
    assert status_of(api, token) == 200


def test_a_string_iat_of_a_user_with_a_revocation_time_is_refused(api, redis_db):
    redis_db.set(f"revoked-before:{ALICE}", NOW - 60)
    revocation.forget()
    assert status_of(api, sign_raw(HEADER, claims_for(ALICE))) == 200
    assert status_of(api, sign_raw(HEADER, {**claims_for(ALICE), "iat": "1700000000"})) == 401


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("sub", [ALICE]),
        ("sub", {"id": ALICE}),
        ("jti", 42),
        ("jti", {"id": "x"}),
        ("jti", ""),
        ("jti", "a\x00b"),
        ("jti", "\ud800"),
        ("token_type", ["access"]),
        ("iss", ["http://localhost:8080/auth"]),
        ("aud", [1]),
        ("aud", {"resource-service": True}),
        ("sid", 7),
        ("auth_time", "1700000000"),
        ("auth_time", True),
        ("amr", "pwd"),
        ("amr", [1]),
        ("amr", {"pwd": True}),
        ("email_verified", "true"),
        ("email_verified", 1),
        ("email_verified", None),
    ],
    ids=repr,
)
def test_a_claim_of_the_wrong_json_type_is_refused(api, claim, value):
    assert status_of(api, sign_raw(HEADER, {**claims_for(ALICE), claim: value})) == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kid", [KID]),
        ("typ", 1),
        ("typ", "at+jwt"),
        ("cty", "JWT"),
        ("crit", ["exp"]),
        ("crit", "b64"),
        ("jku", "http://127.0.0.1:9/jwks.json"),
        ("x5c", ["MIIB"]),
        ("jwk", {"kty": "RSA"}),
    ],
    ids=repr,
)
def test_a_header_field_of_the_wrong_type_or_naming_another_key_is_refused(api, field, value):
    assert status_of(api, sign_raw({**HEADER, field: value}, claims_for(ALICE))) == 401


def test_a_header_field_nobody_defined_is_ignored(api):
    # RFC 7515, section 4: header parameters that are not understood are ignored, unless listed in "crit".
    assert status_of(api, sign_raw({**HEADER, "x-trace": {"any": ["json"]}}, claims_for(ALICE))) == 200


@given(changes=st.dictionaries(st.sampled_from(CLAIMS) | st.text(max_size=5), json_values, min_size=1, max_size=3))
def test_any_json_value_in_any_claim_gets_a_200_or_the_uniform_401(api, redis_db, changes):
    redis_db.set(f"revoked-before:{ALICE}", NOW - 60)  # so that the revocation comparison runs too
    revocation.forget()
    issued = claims_for(ALICE)
    status = status_of(api, sign_raw(HEADER, {**issued, **changes}))
    assert status == 401 if token_rules.refusals(HEADER, issued, {}, changes) else status in (200, 401)


@given(
    changes=st.dictionaries(st.sampled_from(HEADER_FIELDS) | st.text(max_size=5), json_values, min_size=1, max_size=3)
)
def test_any_json_value_in_any_header_field_gets_a_200_or_the_uniform_401(api, changes):
    issued = claims_for(ALICE)
    status = status_of(api, sign_raw({**HEADER, **changes}, issued))
    assert status == 401 if token_rules.refusals(HEADER, issued, changes, {}) else status in (200, 401)


@given(header=json_values, claims=json_values)
def test_any_json_header_and_claims_get_the_uniform_401(api, header, claims):
    assert status_of(api, sign_raw(header, claims)) == 401
