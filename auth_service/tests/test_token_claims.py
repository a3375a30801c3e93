"""A token signed with the service's own key but holding a claim or header field of the wrong JSON type, or a time
out of range, is refused with a 401 on every path that reads tokens: never accepted, never a 500."""

import base64
import json

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auth_service.tokens import keys, services
from auth_service.tokens.serializers import RefreshSerializer
from tests import token_rules
from tests.conftest import PASSWORD
from tests.strategies import json_values

pytestmark = pytest.mark.django_db

CLAIMS = ("iss", "aud", "sub", "iat", "exp", "nbf", "jti", "token_type", "sid", "auth_time", "amr", "email_verified")
MAX_REFRESH_LENGTH = RefreshSerializer().fields["refresh"].max_length
HEADER_FIELDS = ("alg", "typ", "kid", "cty", "crit", "jku", "jwk", "x5u", "x5c", "x5t", "b64", "zip", "enc")
# Where a token is read: the bearer of /auth/me/, the body of a refresh and of a logout, and what each answers
# to a good token.
PATHS = {
    "bearer": ("access", 200),
    "refresh": ("refresh", 200),
    "logout": ("refresh", 204),
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def resigned(token: str, *, header: dict | None = None, claims: dict | None = None) -> str:
    """The token with header fields and claims changed, signed again with the service's key as they are."""
    original_header = jwt.get_unverified_header(token)
    original_claims = claims_of(token)
    signing_input = (
        f"{b64(json.dumps({**original_header, **(header or {})}).encode())}."
        f"{b64(json.dumps({**original_claims, **(claims or {})}).encode())}"
    )
    algorithm = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
    return f"{signing_input}.{b64(algorithm.sign(signing_input.encode(), keys.signing_key().private_key))}"


def status_on(api, path: str, token: str) -> int:
    if path == "bearer":
        return api.get("/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
    url = "/auth/token/refresh/" if path == "refresh" else "/auth/logout/"
    return api.post(url, json.dumps({"refresh": token}), content_type="application/json").status_code


def allowed(path: str, token: str, refusals: set[str] = frozenset()) -> set[int]:
    """What a request presenting the token may answer: the path's success or a 401, only the 401 when the
    contract refuses the token (but an expired one logs out: it is already out), and a 400 (a field error) for a
    refresh token longer than the field allows, which is refused before it is read."""
    too_long = path != "bearer" and len(token) > MAX_REFRESH_LENGTH
    refused = refusals - {"expired"} if path == "logout" else refusals
    return ({401} if refused else {PATHS[path][1], 401}) | ({400} if too_long else set())


def token_for(alice, path: str) -> str:
    """A token of a fresh login of alice's, of the kind the path reads."""
    return services.login(email=alice.email, password=PASSWORD)[PATHS[path][0]]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "4102444800"),
        ("exp", 10**20),
        ("exp", 1e300),
        ("exp", float("inf")),
        ("exp", True),
        ("iat", "1700000000"),
        ("iat", False),
        ("nbf", "1700000000"),
        ("jti", "a\x00b"),
        ("jti", "\ud800"),
        ("jti", {"$ne": ""}),
        ("jti", ["x"]),
        ("sub", ["x"]),
        ("sub", "0"),
        ("sub", "{ALICE}"),
        ("sid", 1),
        ("sid", "not a session"),
        ("token_type", ["access", "refresh"]),
        ("aud", [None]),
    ],
    ids=repr,
)
def test_a_claim_of_the_wrong_json_type_or_out_of_range_is_refused(api, alice, path, claim, value):
    if value == "{ALICE}":  # her id, spelt otherwise than the service writes it
        value = str(alice.pk).upper()
    token = resigned(token_for(alice, path), claims={claim: value})
    assert status_on(api, path, token) == 401


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("field", "value"),
    [("kid", 1), ("typ", ["JWT"]), ("cty", "JWT"), ("crit", ["exp"]), ("jku", "http://127.0.0.1:9/jwks.json")],
    ids=repr,
)
def test_a_header_field_of_the_wrong_type_or_naming_another_key_is_refused(api, alice, path, field, value):
    token = resigned(token_for(alice, path), header={field: value})
    assert status_on(api, path, token) == 401


@pytest.mark.parametrize("path", PATHS)
def test_a_fractional_numeric_date_in_range_is_accepted(api, alice, path):
    token = token_for(alice, path)
    claims = jwt.decode(token, options={"verify_signature": False})
    token = resigned(token, claims={"iat": claims["iat"] + 0.25, "exp": claims["exp"] - 0.5})
    assert status_on(api, path, token) == PATHS[path][1]


@given(
    path=st.sampled_from(sorted(PATHS)),
    changes=st.dictionaries(st.sampled_from(CLAIMS) | st.text(max_size=5), json_values, min_size=1, max_size=3),
)
def test_any_json_value_in_any_claim_gets_a_2xx_or_a_401(api, alice, path, changes):
    issued = token_for(alice, path)
    token = resigned(issued, claims=changes)
    reasons = token_rules.refusals(jwt.get_unverified_header(issued), claims_of(issued), {}, changes)
    assert status_on(api, path, token) in allowed(path, token, reasons)


@given(
    path=st.sampled_from(sorted(PATHS)),
    changes=st.dictionaries(st.sampled_from(HEADER_FIELDS) | st.text(max_size=5), json_values, min_size=1, max_size=3),
)
def test_any_json_value_in_any_header_field_gets_a_2xx_or_a_401(api, alice, path, changes):
    issued = token_for(alice, path)
    token = resigned(issued, header=changes)
    reasons = token_rules.refusals(jwt.get_unverified_header(issued), claims_of(issued), changes, {})
    assert status_on(api, path, token) in allowed(path, token, reasons)
