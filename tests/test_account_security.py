"""Account security through the gateway, with the mails the stack wrote: the address verified by its link, a second
factor turned on, a login with a code and with a recovery code, the notifications, and the mfa_token refused as a
bearer token. The stacks here run EMAIL_VERIFICATION=optional; the production suite (tests/prod) runs mandatory."""

from datetime import UTC, datetime

import jwt
import pyotp
from conftest import PASSWORD, Account, Gateway, link_values, mails_to, wait_for


def subjects(account: Account) -> list[str]:
    return [message["Subject"] for message in mails_to(account.email)]


def claims(pair: dict) -> dict:
    return jwt.decode(pair["access"], options={"verify_signature": False})


def test_the_welcome_mail_verifies_the_address():
    erin = Account("erin")
    assert claims(erin.login())["email_verified"] is False
    assert wait_for(lambda: subjects(erin) == ["Welcome"])
    (welcome,) = mails_to(erin.email)
    assert Gateway().post("/auth/email/verify/", json=link_values(welcome)).status_code == 204
    assert Gateway().post("/auth/email/verify/", json=link_values(welcome)).status_code == 400
    assert claims(erin.login())["email_verified"] is True


def turn_totp_on(account: Account) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol and confirm with the code of the step before, so that the current step's code can log in next."""
    api = account.api()
    for _ in range(2):  # a step boundary between making the code and its check: once more, with new codes
        totp = pyotp.TOTP(api.post("/auth/mfa/totp/").json()["secret"])
        step = totp.timecode(datetime.now(UTC))
        confirmed = api.post("/auth/mfa/totp/confirm/", json={"code": totp.generate_otp(step - 1)})
        if confirmed.status_code == 200:
            return totp, confirmed.json()["recovery_codes"]
    raise AssertionError(confirmed.text)


def mfa_challenge(account: Account) -> str:
    response = Gateway().post("/auth/token/", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_required"
    return response.json()["mfa_token"]


def test_a_second_factor_from_enrolment_to_logins_with_a_code_and_a_recovery_code():
    frank = Account("frank")
    totp, recovery_codes = turn_totp_on(frank)
    assert len(recovery_codes) == 10
    assert wait_for(lambda: "Two-step login is on" in subjects(frank))

    mfa_token = mfa_challenge(frank)
    for bearer_path in ("/auth/me/", "/api/projects/"):
        assert Gateway(mfa_token).get(bearer_path).status_code == 401
    assert Gateway().post("/auth/token/mfa/", json={"mfa_token": mfa_token, "code": "000000"}).status_code == 401
    with_code = Gateway().post("/auth/token/mfa/", json={"mfa_token": mfa_token, "code": totp.now()})
    assert with_code.status_code == 200, with_code.text
    assert claims(with_code.json())["amr"] == ["pwd", "otp", "mfa"]
    assert Gateway(with_code.json()["access"]).get("/api/projects/").status_code == 200

    body = {"mfa_token": mfa_challenge(frank), "recovery_code": recovery_codes[0]}
    with_recovery_code = Gateway().post("/auth/token/mfa/", json=body)
    assert with_recovery_code.status_code == 200
    assert claims(with_recovery_code.json())["amr"] == ["pwd", "mfa"]
    body = {"mfa_token": mfa_challenge(frank), "recovery_code": recovery_codes[0]}
    assert Gateway().post("/auth/token/mfa/", json=body).status_code == 401

    recent = Gateway(with_recovery_code.json()["access"])
    assert recent.delete("/auth/mfa/totp/", json={"password": PASSWORD}).status_code == 204
    assert wait_for(lambda: "Two-step login is off" in subjects(frank))
    assert frank.login()["access"]
    mails = "".join(message.get_payload() for message in mails_to(frank.email))
    assert PASSWORD not in mails
    assert not any(code in mails for code in recovery_codes)
