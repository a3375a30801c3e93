"""Token responses, the caller's own profile and sessions. Revocation and lockout are in security/."""

import time

from conftest import PASSWORD, Account, Gateway, wait_for


def test_token_responses_are_not_cached(alice):
    response = Gateway().post("/auth/token/", json={"email": alice.email, "password": PASSWORD})
    assert response.headers["Cache-Control"] == "no-store"


def test_profile_edit(alice):
    api = alice.api()
    assert api.request("PATCH", "/auth/me/", json={"display_name": "Alice A."}).json()["display_name"] == "Alice A."
    assert Account("dora").api().get("/auth/me/").json()["display_name"] == ""


def test_a_user_lists_their_sessions_and_ends_one_which_the_resource_service_refuses_within_5_seconds(alice):
    phone, laptop = alice.login(), alice.login()
    phone_api, laptop_api = Gateway(phone["access"]), Gateway(laptop["access"])
    sessions = laptop_api.get("/auth/sessions/").json()
    assert [session["current"] for session in sessions][:2] == [True, False]
    phone_session = sessions[1]["id"]
    assert phone_api.get("/api/projects/").status_code == 200

    assert laptop_api.request("DELETE", f"/auth/sessions/{phone_session}/").status_code == 204
    started = time.monotonic()
    assert wait_for(lambda: phone_api.get("/api/projects/").status_code == 401, timeout=5)
    assert time.monotonic() - started <= 5
    assert laptop_api.get("/api/projects/").status_code == 200
    assert phone_session not in [session["id"] for session in laptop_api.get("/auth/sessions/").json()]
    assert laptop_api.request("DELETE", f"/auth/sessions/{phone_session}/").status_code == 404
