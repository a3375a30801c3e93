"""What a cache may keep: the public key documents, with a validator; nothing answered to a bearer token."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DOCUMENTS = ["/auth/.well-known/jwks.json", "/auth/.well-known/openid-configuration"]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_key_documents_carry_an_etag_and_answer_304_when_the_client_has_them(api, path):
    first = api.get(path)
    assert first["Cache-Control"] == "public, max-age=300"
    etag = first["ETag"]
    again = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "public, max-age=300"
    assert api.get(path, HTTP_IF_NONE_MATCH='"another"').status_code == 200


def test_the_user_answered_to_a_bearer_token_is_never_stored(alice_api):
    for response in (alice_api.get("/auth/me/"), alice_api.patch("/auth/me/", {"display_name": "Al"}, format="json")):
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


def test_a_view_that_says_how_to_cache_is_left_alone(api, alice):
    login = api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}, format="json")
    assert login["Cache-Control"] == "no-store"
    assert api.get("/auth/healthz").get("Cache-Control") is None
