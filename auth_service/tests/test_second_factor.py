"""The second factor: TOTP enrolment, the login's second step with a code or a recovery code, replays, the
lockout, recent authentication, turning it off, new recovery codes, the admin's support action."""

import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import jwt
import pyotp
import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from auth_service.accounts import second_factor
from auth_service.accounts.models import TOTPDevice, User
from auth_service.tokens.keys import check_configuration
from auth_service.tokens.models import TokenFamily
from tests.conftest import PASSWORD, counted, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """One moment for the whole test, the service's and the test's codes alike: no test crosses a step boundary
    between making a code and sending it."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def run_tasks(eager_tasks, django_capture_on_commit_callbacks):
    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def enrol(alice_api, run_tasks) -> tuple[str, list[str]]:
    """Turn TOTP on for alice; its secret and recovery codes."""
    enrolment = alice_api.post("/auth/mfa/totp/")
    assert enrolment.status_code == 201
    secret = enrolment.json()["secret"]
    confirmed = run_tasks(lambda: alice_api.post("/auth/mfa/totp/confirm/", {"code": code_at(secret, 0)}))
    assert confirmed.status_code == 200
    return secret, confirmed.json()["recovery_codes"]


def a_minute_later(user: User) -> None:
    """As if two time steps had passed since the last code was used (the confirmation's, say)."""
    TOTPDevice.objects.filter(user=user).update(last_step=F("last_step") - 2)


def code_at(secret: str, steps_ago: int) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()) - steps_ago)


def challenge(api, email="alice@example.com") -> str:
    response = api.post("/auth/token/", {"email": email, "password": PASSWORD})
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "mfa_required"
    assert set(body) == {"detail", "code", "mfa_token"}
    return body["mfa_token"]


def second_step(api, mfa_token: str, **factor):
    return api.post("/auth/token/mfa/", {"mfa_token": mfa_token, **factor})


def amr_of(pair: dict) -> list[str]:
    return jwt.decode(pair["access"], options={"verify_signature": False})["amr"]


def test_enrolment_gives_a_secret_an_app_reads_and_keeps_it_encrypted(alice, alice_api):
    response = alice_api.post("/auth/mfa/totp/")
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    uri = urlsplit(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    query = parse_qs(uri.query)
    assert query["secret"] == [body["secret"]]
    assert query["issuer"] == ["jwt-services"]
    stored = TOTPDevice.objects.get(user=alice)
    assert body["secret"] not in stored.secret
    assert second_factor.secret_of(stored) == body["secret"]
    assert stored.confirmed_at is None
    # Not on until confirmed: the password alone still logs in.
    assert APIClient().post("/auth/token/", {"email": alice.email, "password": PASSWORD}).status_code == 200


def test_confirming_turns_it_on_with_ten_recovery_codes_shown_once_and_tells_the_owner(alice, alice_api, run_tasks):
    _secret, codes = enrol(alice_api, run_tasks)
    assert len(codes) == len(set(codes)) == 10
    assert [m.subject for m in mail.outbox] == ["Two-step login is on"]
    assert not any(code in mail.outbox[0].body for code in codes)
    assert alice_api.post("/auth/mfa/totp/").status_code == 409


def test_a_wrong_confirmation_code_is_a_400_and_changes_nothing(alice, alice_api):
    alice_api.post("/auth/mfa/totp/")
    response = alice_api.post("/auth/mfa/totp/confirm/", {"code": "000000"})
    assert response.status_code == 400
    assert response.json() == {"code": ["The code is not valid."]}
    assert not second_factor.is_on(alice)


def test_confirming_without_an_enrolment_is_a_409(alice_api):
    assert alice_api.post("/auth/mfa/totp/confirm/", {"code": "123456"}).status_code == 409


def test_the_login_asks_for_the_code_and_the_code_gives_the_pair(alice, alice_api, run_tasks, api):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    mfa_token = challenge(api)
    wrong = second_step(api, mfa_token, code="000000")
    assert wrong.status_code == 401
    right = second_step(api, mfa_token, code=code_at(secret, 1))  # a wrong code does not use the mfa_token up
    assert right.status_code == 200
    assert amr_of(right.json()) == ["pwd", "otp", "mfa"]
    assert second_step(api, mfa_token, code=code_at(secret, 0)).status_code == 401  # used up


def test_a_code_is_good_for_its_step_and_the_one_before_only_and_once(alice, alice_api, run_tasks, api, settings):
    settings.LOGIN_MAX_FAILURES = 20  # each login and each wrong code counts until a code is right
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    for steps_ago, accepted in [(-1, False), (2, False), (1, True), (1, False), (0, True), (0, False)]:
        status = second_step(api, challenge(api), code=code_at(secret, steps_ago)).status_code
        assert (status == 200) == accepted, (steps_ago, status)


def test_the_confirmation_code_cannot_log_in_again(alice, alice_api, api, run_tasks):
    enrolment = alice_api.post("/auth/mfa/totp/").json()
    code = code_at(enrolment["secret"], 0)
    assert run_tasks(lambda: alice_api.post("/auth/mfa/totp/confirm/", {"code": code})).status_code == 200
    assert second_step(api, challenge(api), code=code).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_one_code_sent_twice_at_once_logs_in_once(alice, alice_api, run_tasks):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    tokens = [challenge(APIClient()) for _ in range(2)]
    code = code_at(secret, 0)
    both_ready = threading.Barrier(2, timeout=10)

    def use(mfa_token):
        try:
            both_ready.wait()
            return second_step(APIClient(), mfa_token, code=code).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(use, tokens)) == [200, 401]


def test_a_recovery_code_logs_in_once(alice, alice_api, run_tasks, api):
    _secret, codes = enrol(alice_api, run_tasks)
    response = second_step(api, challenge(api), recovery_code=codes[3].lower())
    assert response.status_code == 200
    assert amr_of(response.json()) == ["pwd", "mfa"]
    before = counted("auth_mfa_failures_total", method="recovery_code")
    assert second_step(api, challenge(api), recovery_code=codes[3]).status_code == 401
    assert counted("auth_mfa_failures_total", method="recovery_code") == before + 1


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_used_twice_at_once_logs_in_once(alice, alice_api, run_tasks):
    _secret, codes = enrol(alice_api, run_tasks)
    tokens = [challenge(APIClient()) for _ in range(2)]
    both_ready = threading.Barrier(2, timeout=10)

    def use(mfa_token):
        try:
            both_ready.wait()
            return second_step(APIClient(), mfa_token, recovery_code=codes[0]).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(use, tokens)) == [200, 401]


def test_the_second_step_starts_the_session_of_the_first_steps_client_and_counts_it(alice, alice_api, run_tasks):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    mfa_token = challenge(api)
    issued, refused = (
        counted("auth_tokens_issued_total", grant="mfa"),
        counted("auth_mfa_failures_total", method="totp"),
    )
    assert second_step(APIClient(REMOTE_ADDR="198.51.100.1"), mfa_token, code="000000").status_code == 401
    pair = second_step(APIClient(REMOTE_ADDR="198.51.100.1"), mfa_token, code=code_at(secret, 0)).json()
    assert counted("auth_mfa_failures_total", method="totp") == refused + 1
    assert counted("auth_tokens_issued_total", grant="mfa") == issued + 1
    session = TokenFamily.objects.get(pk=jwt.decode(pair["access"], options={"verify_signature": False})["sid"])
    assert session.client_ip == "203.0.113.9"


def test_an_account_deactivated_between_the_two_steps_cannot_finish_the_login(alice, alice_api, run_tasks, api):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    mfa_token = challenge(api)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert second_step(api, mfa_token, code=code_at(secret, 0)).status_code == 401
    assert not TokenFamily.objects.filter(user=alice, revoked_at__isnull=True).exclude(amr=["pwd"]).exists()


def test_wrong_codes_count_towards_the_lockout_which_the_password_does_not_clear(
    alice, alice_api, run_tasks, api, settings
):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    settings.LOGIN_MAX_FAILURES = 4
    mfa_token = challenge(api)  # the right password: a try, which it does not forget while a code is due
    for wrong in ("000000", "000001", "000002"):
        assert second_step(api, mfa_token, code=wrong).status_code == 401
    locked = second_step(api, mfa_token, code=code_at(secret, 0))
    assert locked.status_code == 429
    assert api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"mfa_token": "x"},
        {"mfa_token": "x", "code": "123456", "recovery_code": "AAAA"},
        {"mfa_token": "x", "code": 1},
    ],
)
def test_a_second_step_without_one_factor_is_a_400(api, body):
    assert api.post("/auth/token/mfa/", body).status_code == 400


def test_an_unknown_mfa_token_is_a_401(api):
    response = second_step(api, "not-a-token", code="123456")
    assert response.status_code == 401


def test_the_mfa_token_is_never_a_bearer_token(alice, alice_api, run_tasks, api):
    enrol(alice_api, run_tasks)
    mfa_token = challenge(api)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {mfa_token}")
    assert api.get("/auth/me/").status_code == 401
    assert api.get("/auth/sessions/").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/auth/mfa/totp/", None),
        ("post", "/auth/mfa/totp/confirm/", {"code": "123456"}),
        ("delete", "/auth/mfa/totp/", {"password": PASSWORD}),
        ("post", "/auth/mfa/recovery-codes/", {"password": PASSWORD}),
    ],
)
def test_changing_the_second_factor_needs_a_recent_login(alice_api, settings, method, path, body):
    settings.REAUTH_MAX_AGE = -1  # every login is too old
    response = getattr(alice_api, method)(path, body)
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


def test_turning_it_off_needs_the_password_and_voids_the_codes(alice, alice_api, run_tasks, api):
    _secret, _codes = enrol(alice_api, run_tasks)
    assert alice_api.delete("/auth/mfa/totp/", {"password": "wrong"}).status_code == 400
    mail.outbox.clear()
    assert run_tasks(lambda: alice_api.delete("/auth/mfa/totp/", {"password": PASSWORD})).status_code == 204
    assert [m.subject for m in mail.outbox] == ["Two-step login is off"]
    assert not alice.recovery_codes.exists()
    assert api.post("/auth/token/", {"email": alice.email, "password": PASSWORD}).status_code == 200


def test_new_recovery_codes_void_the_old_ones(alice, alice_api, run_tasks, api):
    _secret, old = enrol(alice_api, run_tasks)
    mail.outbox.clear()
    response = run_tasks(lambda: alice_api.post("/auth/mfa/recovery-codes/", {"password": PASSWORD}))
    assert response.status_code == 200
    new = response.json()["recovery_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert [m.subject for m in mail.outbox] == ["New recovery codes"]
    assert second_step(api, challenge(api), recovery_code=old[0]).status_code == 401
    assert second_step(api, challenge(api), recovery_code=new[0]).status_code == 200


def test_new_recovery_codes_without_totp_are_a_409(alice_api):
    assert alice_api.post("/auth/mfa/recovery-codes/", {"password": PASSWORD}).status_code == 409


def test_no_secret_or_code_reaches_a_log(alice, alice_api, run_tasks, api, caplog):
    secret, codes = enrol(alice_api, run_tasks)
    second_step(api, challenge(api), recovery_code=codes[0])
    second_step(api, challenge(api), code=code_at(secret, 0))
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert secret not in logged
    assert not any(code in logged for code in codes)


def test_the_admin_shows_it_and_can_turn_it_off(alice, alice_api, run_tasks, client):
    enrol(alice_api, run_tasks)
    staff = User.objects.create_superuser(email="admin@example.com", password="an admin passphrase")
    client.force_login(staff)
    assert client.get("/auth/admin/accounts/user/").status_code == 200
    mail.outbox.clear()
    run_tasks(
        lambda: client.post(
            "/auth/admin/accounts/user/", {"action": "turn_off_totp", "_selected_action": [str(alice.pk)]}
        )
    )
    assert not second_factor.is_on(alice)
    assert [m.subject for m in mail.outbox] == ["Two-step login is off"]


def test_a_session_started_with_a_code_keeps_its_amr_across_refreshes(alice, alice_api, run_tasks, api):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    pair = second_step(api, challenge(api), code=code_at(secret, 0)).json()
    refreshed = api.post("/auth/token/refresh/", {"refresh": pair["refresh"]}).json()
    assert amr_of(refreshed) == ["pwd", "otp", "mfa"]


def test_the_first_login_of_an_account_without_totp_says_pwd(alice_tokens):
    assert amr_of(alice_tokens) == ["pwd"]


def test_a_login_by_another_account_is_unaffected(alice_api, run_tasks, bob, api):
    enrol(alice_api, run_tasks)
    assert amr_of(login(api, bob.email)) == ["pwd"]


def test_a_key_rotation_keeps_every_secret(alice, alice_api, run_tasks, api, settings):
    secret, _codes = enrol(alice_api, run_tasks)
    a_minute_later(alice)
    old_key = settings.MFA_ENCRYPTION_KEYS
    settings.MFA_ENCRYPTION_KEYS = f"a-new-key-of-at-least-thirty-two-characters {old_key}"
    call_command("rotate_mfa_secrets", stdout=StringIO())
    settings.MFA_ENCRYPTION_KEYS = "a-new-key-of-at-least-thirty-two-characters"  # the old key is gone
    assert second_factor.secret_of(TOTPDevice.objects.get(user=alice)) == secret
    assert second_step(api, challenge(api), code=code_at(secret, 0)).status_code == 200


@pytest.mark.parametrize("keys", [None, "", "too-short"])
def test_the_web_service_does_not_start_without_usable_keys(settings, keys):
    settings.MFA_ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_KEYS"):
        check_configuration()
