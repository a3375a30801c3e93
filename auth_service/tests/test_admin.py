"""The admin's deactivation goes through the same service as the API: tokens are revoked."""

import pytest

from auth_service.accounts.models import User
from tests.conftest import login

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


@pytest.mark.parametrize(
    "url",
    [
        "/auth/admin/accounts/user/?q=alice&is_active__exact=1",
        "/auth/admin/tokens/tokenfamily/?revoked_reason=reuse",
        "/auth/admin/tokens/loginevent/?outcome=success",
    ],
)
def test_admin_lists_with_search_and_filters(staff_client, alice, url):
    assert staff_client.get(url).status_code == 200
