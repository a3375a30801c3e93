from urllib.parse import urlencode, urlsplit

import jwt
import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DISCOVERY_PATHS = ["/auth/.well-known/openid-configuration", "/auth/.well-known/oauth-authorization-server"]


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.parametrize("path", DISCOVERY_PATHS)
def test_the_metadata_names_the_issuer_of_the_tokens_and_is_cacheable(api, alice_tokens, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age" in response["Cache-Control"]
    assert response.json()["issuer"] == jwt.decode(alice_tokens["access"], options={"verify_signature": False})["iss"]


def test_both_names_serve_one_document_of_true_statements_only(api):
    document = api.get(DISCOVERY_PATHS[0]).json()
    assert api.get(DISCOVERY_PATHS[1]).json() == document
    assert document == {
        "issuer": "http://localhost:8080/auth",
        "jwks_uri": "http://localhost:8080/auth/.well-known/jwks.json",
        "token_endpoint": "http://localhost:8080/auth/token/refresh/",
        "grant_types_supported": ["refresh_token"],
        "revocation_endpoint": "http://localhost:8080/auth/logout/",
        "revocation_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "access_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "service_documentation": "http://localhost:8080/auth/docs/",
    }


def test_the_endpoints_it_names_are_this_services(api, alice_tokens):
    document = api.get(DISCOVERY_PATHS[0]).json()
    jwks = api.get(path_of(document["jwks_uri"]))
    assert jwks.status_code == 200
    assert jwks.json()["keys"]
    form = urlencode({"grant_type": "refresh_token", "refresh_token": alice_tokens["refresh"]})
    refreshed = api.post(path_of(document["token_endpoint"]), form, content_type="application/x-www-form-urlencoded")
    assert refreshed.status_code == 200
    assert (
        jwt.get_unverified_header(refreshed.json()["access_token"])["alg"]
        in document["access_token_signing_alg_values_supported"]
    )
    assert api.get(path_of(document["service_documentation"])).status_code == 200


def test_an_issuer_with_a_trailing_slash_is_stated_as_the_tokens_carry_it(api, alice, settings):
    settings.JWT_ISSUER = "https://id.example.com/auth/"
    document = api.get(DISCOVERY_PATHS[1]).json()
    assert document["issuer"] == "https://id.example.com/auth/"
    assert document["jwks_uri"] == "https://id.example.com/auth/.well-known/jwks.json"
    access = api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}).json()["access"]
    assert jwt.decode(access, options={"verify_signature": False})["iss"] == document["issuer"]


@pytest.mark.parametrize("path", DISCOVERY_PATHS)
def test_the_metadata_is_read_only(api, path):
    assert api.post(path, {}).status_code == 405
