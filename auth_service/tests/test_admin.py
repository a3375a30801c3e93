"""The admin's deactivation goes through the same service as the API: tokens are revoked."""

import base64
import json

import jwt
import pytest

from auth_service.accounts.models import User
from tests.conftest import counted, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser(email="admin@example.com", password="an admin passphrase")
    client.force_login(admin)
    return client


def test_the_deactivate_action_revokes_tokens(api, staff_client, alice, redis_db, django_capture_on_commit_callbacks):
    pair = login(api, alice.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/auth/admin/accounts/user/", {"action": "deactivate", "_selected_action": [str(alice.pk)]}
        )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 401
    assert redis_db.get(f"revoked-before:{alice.pk}") is not None


def test_unticking_active_in_the_form_revokes_tokens(api, staff_client, alice, django_capture_on_commit_callbacks):
    pair = login(api, alice.email)
    page = staff_client.get(f"/auth/admin/accounts/user/{alice.pk}/change/")
    assert page.status_code == 200
    form = {
        "email": alice.email,
        "display_name": alice.display_name,
        "is_active": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/auth/admin/accounts/user/{alice.pk}/change/", form)
    assert response.status_code == 302, response.content
    alice.refresh_from_db()
    assert not alice.is_active
    assert api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 401


def test_admin_user_search_and_filter_find_the_rows(staff_client, alice, bob):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    listed = staff_client.get("/auth/admin/accounts/user/?q=example.com&is_active__exact=1").context["cl"].result_list
    assert {user.email for user in listed} == {alice.email, "admin@example.com"}
    listed = staff_client.get("/auth/admin/accounts/user/?q=alice").context["cl"].result_list
    assert [user.email for user in listed] == [alice.email]


def test_admin_login_event_and_session_filters_find_the_rows(api, staff_client, alice):
    ended = login(api, alice.email)
    login(api, alice.email)
    api.post("/auth/token/", {"email": alice.email, "password": "wrong"})
    assert api.post("/auth/logout/", {"refresh": ended["refresh"]}).status_code == 204
    events = staff_client.get("/auth/admin/tokens/loginevent/?outcome=success").context["cl"].result_list
    assert [(event.email, event.outcome) for event in events] == [(alice.email, "success")] * 2
    sessions = staff_client.get("/auth/admin/tokens/tokenfamily/?revoked_reason=logout").context["cl"].result_list
    sid = jwt.decode(ended["access"], options={"verify_signature": False})["sid"]
    assert [str(session.pk) for session in sessions] == [sid]


def test_setting_a_password_in_the_admin_ends_every_login_of_the_user(
    api, staff_client, alice, redis_db, django_capture_on_commit_callbacks
):
    pair = login(api, alice.email)
    chosen = "a password the admin chose"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/auth/admin/accounts/user/{alice.pk}/password/",
            {"password1": chosen, "password2": chosen, "usable_password": "true"},
        )
    assert response.status_code == 302
    assert api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 401
    assert redis_db.get(f"revoked-before:{alice.pk}") is not None
    assert login(api, alice.email, chosen)["access"]


@pytest.mark.parametrize("how", ["one", "selected"])
def test_deleting_a_user_in_the_admin_revokes_their_tokens_and_deletes_their_data(
    api, staff_client, alice, broker, how, django_capture_on_commit_callbacks
):
    pair = login(api, alice.email)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "one":
            response = staff_client.post(f"/auth/admin/accounts/user/{alice.pk}/delete/", {"post": "yes"})
        else:
            response = staff_client.post(
                "/auth/admin/accounts/user/",
                {"action": "delete_selected", "_selected_action": [str(alice.pk)], "post": "yes"},
            )
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 401
    assert broker.get(f"revoked-before:{alice.pk}") is not None
    message = json.loads(broker.lpop("resource:resource"))
    assert message["headers"]["task"] == "resource.delete_user_data"
    user_id, order = json.loads(base64.b64decode(message["body"]))[0]
    assert user_id == str(alice.pk)
    assert jwt.decode(order, options={"verify_signature": False})["sub"] == user_id


def test_ending_a_session_in_the_admin_ends_it_as_its_user_would(
    api, staff_client, alice, redis_db, django_capture_on_commit_callbacks
):
    phone, laptop = login(api, alice.email), login(api, alice.email)
    sid = jwt.decode(phone["access"], options={"verify_signature": False})["sid"]
    before = counted("auth_sessions_ended_total", reason="ended")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/auth/admin/tokens/tokenfamily/", {"action": "end_sessions", "_selected_action": [sid]}
        )
    assert response.status_code == 302
    assert api.post("/auth/token/refresh/", {"refresh": phone["refresh"]}).status_code == 401
    assert api.post("/auth/token/refresh/", {"refresh": laptop["refresh"]}).status_code == 200
    assert redis_db.get(f"revoked-session:{sid}") == b"1"
    assert counted("auth_sessions_ended_total", reason="ended") == before + 1


def test_the_admin_stores_an_address_in_its_one_form(staff_client):
    response = staff_client.post(
        "/auth/admin/accounts/user/add/", {"email": "Ann@Bücher.de", "usable_password": "false"}, follow=True
    )
    assert response.status_code == 200
    assert User.objects.filter(email="ann@xn--bcher-kva.de").exists()


def test_the_admin_refuses_an_address_with_no_stored_form(staff_client):
    response = staff_client.post(
        "/auth/admin/accounts/user/add/", {"email": "ann@b\u200bar.de", "usable_password": "false"}
    )
    assert response.status_code == 200
    assert "Enter an address without invisible characters." in response.content.decode()
    assert not User.objects.filter(email__startswith="ann@").exists()
