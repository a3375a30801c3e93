"""What the auth service accepts and refuses as a bearer token, and what it answers, pinned case by case: an
upgrade of DRF, PyJWT or simplejwt that changes any of it fails here."""

import time
import uuid

import pytest

from auth_service.tokens import services
from auth_service.tokens.deletion_orders import deletion_order
from tests.conftest import PASSWORD
from tests.test_token_claims import resigned

pytestmark = pytest.mark.django_db

LEEWAY = 30  # JWT_LEEWAY_SECONDS
REFUSED = {"detail": "Token is invalid or expired", "code": "token_not_valid"}
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}


def now() -> int:
    return int(time.time())


def access(pair, *, header: dict | None = None, **claims) -> str:
    """Bearer and the login's access token, with these header fields and claims, signed again."""
    return f"Bearer {resigned(pair['access'], header=header, claims=claims)}"


def logged_out(alice, pair):
    services.logout(raw=pair["refresh"])
    return f"Bearer {pair['access']}"


def deactivated(alice, pair):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    return f"Bearer {pair['access']}"


# (case, the Authorization header made of alice and a fresh login's pair, status, body)
CASES = [
    ("valid", lambda alice, pair: f"Bearer {pair['access']}", 200, None),
    (
        "exp_within_leeway",
        lambda a, p: access(p, exp=now() - LEEWAY // 2),
        200,
        None,
    ),
    ("unknown_claim", lambda a, p: access(p, scope="admin"), 200, None),
    ("no_header", lambda a, p: None, 401, NOT_PROVIDED),
    ("other_scheme", lambda a, p: "Basic YWxpY2U6cGFzc3dvcmQ=", 401, NOT_PROVIDED),
    ("scheme_lowercase", lambda a, p: f"bearer {p['access']}", 401, NOT_PROVIDED),
    ("scheme_alone", lambda a, p: "Bearer", 401, REFUSED),
    ("two_tokens", lambda a, p: f"Bearer {p['access']} {p['access']}", 401, REFUSED),
    ("not_a_jwt", lambda a, p: "Bearer a.b.c", 401, REFUSED),
    ("expired", lambda a, p: access(p, exp=now() - LEEWAY - 60), 401, REFUSED),
    ("another_audience", lambda a, p: access(p, aud="other"), 401, REFUSED),
    ("another_issuer", lambda a, p: access(p, iss="http://evil/"), 401, REFUSED),
    ("refresh_token", lambda a, p: f"Bearer {p['refresh']}", 401, REFUSED),
    ("deletion_order", lambda a, p: f"Bearer {deletion_order(user_id=str(a.pk))}", 401, REFUSED),
    ("unknown_kid", lambda a, p: access(p, header={"kid": "unknown"}), 401, REFUSED),
    ("sub_uppercase", lambda a, p: access(p, sub=str(a.pk).upper()), 401, REFUSED),
    ("sub_unknown", lambda a, p: access(p, sub=str(uuid.uuid4())), 401, REFUSED),
    ("sid_null", lambda a, p: access(p, sid=None), 401, REFUSED),
    ("sid_unknown", lambda a, p: access(p, sid=str(uuid.uuid4())), 401, REFUSED),
    ("logged_out", logged_out, 401, REFUSED),
    ("user_inactive", deactivated, 401, REFUSED),
]


@pytest.mark.parametrize(("authorization", "status", "body"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_the_bearer_authentication_matrix(api, alice, authorization, status, body):
    header = authorization(alice, services.login(email=alice.email, password=PASSWORD))
    response = api.get("/auth/me/", **({"HTTP_AUTHORIZATION": header} if header is not None else {}))
    assert response.status_code == status
    if status == 401:
        assert response.json() == body
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
