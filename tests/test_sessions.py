"""Token responses and the caller's own profile. Revocation and lockout are in security/."""

from conftest import PASSWORD, Account, Gateway


def test_token_responses_are_not_cached(alice):
    response = Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})
    assert response.headers["Cache-Control"] == "no-store"


def test_profile_edit(alice):
    api = alice.api()
    assert api.request("PATCH", "/auth/me/", json={"display_name": "Alice A."}).json()["display_name"] == "Alice A."
    assert Account("dora").api().get("/auth/me/").json()["display_name"] == ""
