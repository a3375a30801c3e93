"""What the bearer authentication accepts and refuses, and why, pinned case by case: an upgrade of DRF, PyJWT or
simplejwt that changes any of it fails here."""

import time

import pytest
from prometheus_client import REGISTRY

from tests.conftest import ALICE
from tests.signing import KID, claims_for, sign, sign_raw, token_for

pytestmark = pytest.mark.django_db

URL = "/api/projects/"
LEEWAY = 30  # JWT_LEEWAY_SECONDS
ENDED_SESSION = "5b0c6f0e-8f1e-4c4e-9a57-1f7c0d3c2a11"


def now() -> int:
    return int(time.time())


def bearer(**overrides) -> str:
    return f"Bearer {token_for(ALICE, **overrides)}"


# (case, Authorization header, status, the reason the refusal is counted under: None if it is not counted)
CASES = [
    ("valid", lambda: bearer(), 200, None),
    ("exp_within_leeway", lambda: bearer(exp=now() - LEEWAY // 2), 200, None),
    ("nbf_within_leeway", lambda: bearer(nbf=now() + LEEWAY // 2), 200, None),
    ("iat_within_leeway", lambda: bearer(iat=now() + LEEWAY // 2), 200, None),
    ("aud_list_with_ours", lambda: bearer(aud=["another-service", "resource-service"]), 200, None),
    ("typ_lowercase", lambda: f"Bearer {sign(claims_for(ALICE), headers={'typ': 'jwt'})}", 200, None),
    ("unknown_claim", lambda: bearer(scope="admin"), 200, None),
    ("no_header", lambda: None, 401, None),
    ("empty_header", lambda: "", 401, None),
    ("other_scheme", lambda: "Basic YWxpY2U6cGFzc3dvcmQ=", 401, None),
    ("scheme_lowercase", lambda: bearer().replace("Bearer", "bearer"), 401, None),
    ("scheme_alone", lambda: "Bearer", 401, "invalid"),
    ("two_tokens", lambda: f"{bearer()} {token_for(ALICE)}", 401, "invalid"),
    ("not_a_jwt", lambda: "Bearer a.b.c", 401, "invalid"),
    ("expired", lambda: bearer(exp=now() - LEEWAY - 60), 401, "expired"),
    ("nbf_future", lambda: bearer(nbf=now() + LEEWAY + 60), 401, "invalid"),
    ("iat_future", lambda: bearer(iat=now() + LEEWAY + 60), 401, "invalid"),
    ("another_audience", lambda: bearer(aud="another-service"), 401, "invalid"),
    ("another_issuer", lambda: bearer(iss="http://evil.example/auth"), 401, "invalid"),
    ("refresh_token", lambda: bearer(token_type="refresh"), 401, "invalid"),
    ("deletion_order", lambda: bearer(token_type="user_deletion"), 401, "invalid"),
    ("no_token_type", lambda: bearer(token_type=None), 401, "invalid"),
    ("no_jti", lambda: bearer(jti=None), 401, "invalid"),
    ("no_sub", lambda: bearer(sub=None), 401, "invalid"),
    (
        "string_exp",
        lambda: f"Bearer {sign_raw({'alg': 'RS256', 'kid': KID}, claims_for(ALICE, exp='9999999999'))}",
        401,
        "invalid",
    ),
    ("unknown_kid", lambda: f"Bearer {sign(claims_for(ALICE), headers={'kid': 'unknown'})}", 401, "invalid"),
    ("typ_other", lambda: f"Bearer {sign(claims_for(ALICE), headers={'typ': 'at+jwt'})}", 401, "invalid"),
    ("jku_header", lambda: f"Bearer {sign(claims_for(ALICE), headers={'jku': 'http://127.0.0.1:9/'})}", 401, "invalid"),
    ("sub_not_uuid", lambda: bearer(sub="alice"), 401, "bad_subject"),
    ("sub_uppercase_uuid", lambda: bearer(sub=ALICE.upper()), 401, "bad_subject"),
    ("no_sid", lambda: bearer(sid=None), 401, "invalid"),
    ("sid_not_uuid", lambda: bearer(sid="session"), 401, "invalid"),
    ("revoked", lambda: bearer(iat=now() - 10), 401, "revoked"),
    ("session_ended", lambda: bearer(sid=ENDED_SESSION), 401, "revoked"),
]


def rejections(reason: str) -> float:
    return REGISTRY.get_sample_value("resource_token_rejections_total", {"reason": reason}) or 0.0


@pytest.mark.parametrize(("authorization", "status", "reason"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_the_bearer_authentication_matrix(api, redis_db, authorization, status, reason):
    redis_db.set(f"revoked-before:{ALICE}", now() - 5)
    redis_db.set(f"revoked-session:{ENDED_SESSION}", 1)
    header = authorization()
    counted = {name: rejections(name) for name in ("expired", "invalid", "bad_subject", "revoked")}
    response = api.get(URL, **({"HTTP_AUTHORIZATION": header} if header is not None else {}))
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert {name: rejections(name) - before for name, before in counted.items()} == {
        name: 1.0 if name == reason else 0.0 for name in counted
    }
