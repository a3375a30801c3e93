"""Key rotation, part 2 (run by run_native.py after it rotated the key): old tokens work, new ones too."""

import json
import os
from pathlib import Path

import jwt
import pytest
from conftest import PASSWORD, Gateway


@pytest.fixture(scope="module")
def before() -> dict:
    return json.loads(Path(os.environ["BLACKBOX_STATE_DIR"], "rotation.json").read_text())


def test_the_jwks_publishes_the_old_and_the_new_key(before):
    kids = [key["kid"] for key in Gateway().get("/auth/.well-known/jwks.json").json()["keys"]]
    assert len(kids) == 2
    assert before["old_kid"] == kids[1]


def test_an_access_token_of_the_old_key_still_works(before):
    projects = Gateway(before["pair"]["access"]).get("/api/projects/")
    assert projects.status_code == 200
    assert [p["name"] for p in projects.json()["results"]] == ["Before rotation"]


def test_a_refresh_token_of_the_old_key_gives_tokens_of_the_new_key(before):
    response = Gateway().post("/auth/token/refresh/", json={"refresh": before["pair"]["refresh"]})
    assert response.status_code == 200
    access = response.json()["access"]
    assert jwt.get_unverified_header(access)["kid"] != before["old_kid"]
    assert Gateway(access).get("/api/projects/").status_code == 200


def test_a_new_login_is_signed_with_the_new_key_and_works_at_once(before):
    pair = Gateway().post("/auth/token/", json={"email": before["email"], "password": PASSWORD}).json()
    assert jwt.get_unverified_header(pair["access"])["kid"] != before["old_kid"]
    assert Gateway(pair["access"]).get("/api/projects/").status_code == 200
