"""A client's whole journey through the gateway: account, tokens, projects, and account deletion."""

import time
import uuid

import jwt
from conftest import PASSWORD, WRONG_PASSWORD, Account, Gateway, wait_for


def test_register_log_in_call_the_api_and_refresh(alice):
    tokens = alice.login()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 300
    api = Gateway(tokens["access"])

    me = api.get("/auth/me/")
    assert me.status_code == 200
    assert me.json()["email"] == alice.email

    assert api.get("/api/projects/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    created = api.post("/api/projects/", json={"name": "Garden", "description": "Beds and paths"})
    assert created.status_code == 201
    listed = api.get("/api/projects/").json()
    assert [project["id"] for project in listed["results"]] == [created.json()["id"]]

    refreshed = Gateway().post("/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200
    assert Gateway(refreshed.json()["access"]).get("/api/projects/").status_code == 200

    # Used again at once (a second tab, a retry): the same pair, not a logout.
    reused = Gateway().post("/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    assert reused.status_code == 200
    assert reused.json() == refreshed.json()


def test_the_jwks_publishes_the_kid_of_issued_tokens_and_no_private_fields(alice, anonymous):
    kid = jwt.get_unverified_header(alice.login()["access"])["kid"]
    keys = anonymous.get("/auth/.well-known/jwks.json").json()["keys"]
    assert kid in [key["kid"] for key in keys]
    for key in keys:
        assert set(key) <= {"kty", "use", "alg", "kid", "n", "e"}


def test_deleting_the_account_purges_its_projects(alice, sign_like_the_stack):
    tokens = alice.login()
    api = Gateway(tokens["access"])
    for name in ("one", "two"):
        assert api.post("/api/projects/", json={"name": name}).status_code == 201

    wrong = api.delete("/auth/me/", json={"password": WRONG_PASSWORD})
    assert wrong.status_code == 400
    assert api.delete("/auth/me/", json={"password": PASSWORD}).status_code == 204

    assert Gateway().post("/auth/token/refresh/", json={"refresh": tokens["refresh"]}).status_code == 401
    assert (Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})).status_code == 401

    # A fresh token for the deleted user's id, signed with the stack's key, sees an empty list once the
    # resource worker has run the deletion that the auth service queued. It is issued after the deletion
    # revoked the user's tokens (a second after it at the latest), or it would be refused as revoked.
    issued = int(time.time()) + 2
    observer = Gateway(sign_like_the_stack(tokens["access"], iat=issued, exp=issued + 120, jti=uuid.uuid4().hex))
    assert wait_for(lambda: observer.get("/api/projects/").json()["count"] == 0, timeout=30)


def test_a_new_account_sees_none_of_the_others_data(alice):
    created = alice.api().post("/api/projects/", json={"name": "Alice's"})
    assert created.status_code == 201
    assert alice.api().get(f"/api/projects/{created.json()['id']}/").status_code == 200
    carol = Account("carol").api()
    assert carol.get("/api/projects/").json()["count"] == 0
    assert carol.get(f"/api/projects/{created.json()['id']}/").status_code == 404
