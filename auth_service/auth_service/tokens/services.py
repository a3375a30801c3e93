"""The token lifecycle: a pair per login, single-use rotation, and revocation of whole logins."""

import logging
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from auth_service.accounts import second_factor
from auth_service.accounts.models import User
from auth_service.lib import metrics
from auth_service.lib.exceptions import CredentialsRefused, Refused
from auth_service.tokens import challenges, lockout, revocation
from auth_service.tokens.models import IssuedRefreshToken, LoginEvent, TokenFamily
from auth_service.tokens.signing import sign
from auth_service.tokens.verification import ACCESS, is_canonical_uuid, verified_claims

logger = logging.getLogger(__name__)

REFRESH = "refresh"


class InvalidCredentials(CredentialsRefused):
    """Unknown email, wrong password or inactive account: deliberately not told apart."""

    message = "No active account found with the given credentials"


class SessionNotFound(Exception):
    """No live session of the user has this id (another user's, an ended one or none)."""


class InvalidRefreshToken(CredentialsRefused):
    """The refresh token is forged, expired, retired or revoked."""

    message = "Token is invalid or expired"
    code = "token_not_valid"


class MFARequired(Exception):
    """The right password of an account with a second factor: the login goes on at POST /auth/token/mfa/."""

    def __init__(self, mfa_token: str):
        super().__init__("a second factor is required")
        self.mfa_token = mfa_token


class InvalidMFAToken(CredentialsRefused):
    message = "The MFA token is invalid, used or expired; log in again."
    code = "mfa_token_not_valid"


class WrongSecondFactor(CredentialsRefused):
    message = "The code is not valid."
    code = "mfa_code_not_valid"


class SecondFactorMissing(Exception):
    message = "Staff accounts need a second factor here: turn on TOTP through the API (POST /auth/mfa/totp/) first."


class EmailUnverified(Refused):
    """The right password of an account whose address is not verified, while EMAIL_VERIFICATION is mandatory."""

    message = "Verify your email address first: follow the link mailed to it, or ask for a new one."
    code = "email_unverified"


def _issued_at(user_id: uuid.UUID) -> datetime:
    # A token issued in the same second as a revocation must not look older than it.
    now = timezone.now().replace(microsecond=0)
    not_before = revocation.not_before(user_id=user_id)
    if not_before is not None and not_before > now.timestamp():
        return datetime.fromtimestamp(not_before, tz=UTC)
    return now


def _issue(*, user: User, family: TokenFamily) -> dict[str, dict]:
    """The claims of a new pair of the session, its refresh token recorded."""
    issued_at = _issued_at(user.pk)
    session_end = int(family.ends_at.timestamp())
    claims = {}
    for name, token in (("refresh", RefreshToken()), ("access", AccessToken())):
        token.set_iat(at_time=issued_at)
        token.set_exp(from_time=issued_at)
        token["exp"] = min(token["exp"], session_end)
        token["sub"] = str(user.pk)
        token["sid"] = str(family.pk)
        token["auth_time"] = int(family.created_at.timestamp())
        token["amr"] = family.amr
        token["email_verified"] = user.email_verified
        claims[name] = dict(token.payload)
    IssuedRefreshToken.objects.create(
        jti=claims["refresh"]["jti"],
        family=family,
        expires_at=datetime.fromtimestamp(claims["refresh"]["exp"], tz=UTC),
    )
    return claims


def _pair(claims: dict[str, dict]) -> dict:
    """The answer of a login or a refresh: the pair of these claims, signed."""
    return {
        "access": sign(claims["access"]),
        "refresh": sign(claims["refresh"]),
        "token_type": "Bearer",
        "expires_in": claims["access"]["exp"] - claims["access"]["iat"],
    }


def _audit(*, email: str, outcome: str, user: User | None, client_ip: str | None, user_agent: str) -> None:
    metrics.login_attempts.labels(outcome).inc()
    LoginEvent.objects.create(
        user=user, email=email[:254], outcome=outcome, client_ip=client_ip, user_agent=user_agent[:300]
    )


def credentials_check(
    *, email: str, password: str, client_ip: str | None = None, user_agent: str = "", request: HttpRequest | None = None
) -> User:
    """The active user with this email and password, checked against the account's lockout and audited: the
    API's login and the admin's both come through here."""

    def audit(outcome: str, user: User | None = None) -> None:
        _audit(email=email, outcome=outcome, user=user, client_ip=client_ip, user_agent=user_agent)

    try:
        key = lockout.attempt(email=email)
    except lockout.AccountLocked:
        audit(LoginEvent.Outcome.LOCKED)
        raise
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User):
        audit(LoginEvent.Outcome.BAD_CREDENTIALS)
        raise InvalidCredentials
    # With a second factor, the password alone does not forget the failed tries: wrong codes count there too.
    if not second_factor.is_on(user):
        lockout.clear(key=key)
    audit(LoginEvent.Outcome.SUCCESS, user)
    update_last_login(User, user)
    return user


def login(
    *, email: str, password: str, client_ip: str | None = None, user_agent: str = "", request: HttpRequest | None = None
) -> dict:
    """Check the credentials (and, if it is mandatory, that the address is verified); start a token family."""
    user = credentials_check(
        email=email, password=password, client_ip=client_ip, user_agent=user_agent, request=request
    )
    if settings.EMAIL_VERIFICATION == "mandatory" and not user.email_verified:
        raise EmailUnverified
    if second_factor.is_on(user):
        metrics.mfa_challenges.inc()
        raise MFARequired(challenges.create(user=user, client_ip=client_ip, user_agent=user_agent))
    return _session_start(user=user, amr=["pwd"], client_ip=client_ip, user_agent=user_agent, grant="login")


def _session_start(*, user: User, amr: list[str], client_ip: str | None, user_agent: str, grant: str) -> dict:
    with transaction.atomic():
        family = TokenFamily.objects.create(
            user=user, user_agent=client_description(user_agent), client_ip=client_ip, amr=amr
        )
        claims = _issue(user=user, family=family)
    metrics.tokens_issued.labels(grant).inc()
    return _pair(claims)


def login_second_factor(*, mfa_token: str, code: str | None = None, recovery_code: str | None = None) -> dict:
    """The second step of a login: a TOTP code or a recovery code for the mfa_token's account. A wrong one counts
    towards the account's lockout and leaves the mfa_token alive; the right one uses it up and starts the session."""
    pending = challenges.pending(mfa_token)
    if pending is None:
        raise InvalidMFAToken
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        raise InvalidMFAToken
    key = lockout.attempt(email=user.email)
    with transaction.atomic():
        amr = _second_factor_use(user=user, code=code, recovery_code=recovery_code)
        if not challenges.use(mfa_token):
            raise InvalidMFAToken
        pair = _session_start(
            user=user, amr=amr, client_ip=pending["client_ip"], user_agent=pending["user_agent"], grant="mfa"
        )
    lockout.clear(key=key)
    return pair


def _second_factor_use(*, user: User, code: str | None, recovery_code: str | None) -> list[str]:
    """Use the TOTP code or the recovery code (in the caller's transaction); the session's `amr`, or
    WrongSecondFactor."""
    if code is not None:
        accepted, method, amr = second_factor.totp_code_use(user, code), "totp", ["pwd", "otp", "mfa"]
    else:
        accepted, method, amr = (
            second_factor.recovery_code_use(user, recovery_code or ""),
            "recovery_code",
            ["pwd", "mfa"],
        )
    if not accepted:
        metrics.mfa_failures.labels(method).inc()
        raise WrongSecondFactor
    return amr


def staff_second_factor_check(*, user: User, code: str) -> None:
    """The admin's second step, after credentials_check: a staff account gives a TOTP code (six digits) or a
    recovery code, counted towards the account's lockout; one without TOTP on is refused (SecondFactorMissing)."""
    if not user.is_staff:
        return
    if not second_factor.is_on(user):
        raise SecondFactorMissing
    key = lockout.attempt(email=user.email)
    is_totp = len(code) == 6 and code.isdigit()
    with transaction.atomic():
        _second_factor_use(user=user, code=code if is_totp else None, recovery_code=None if is_totp else code)
    lockout.clear(key=key)


def login_throttled(*, email: str, client_ip: str | None, user_agent: str) -> None:
    """Record a login refused by the per-address limit."""
    _audit(email=email, outcome=LoginEvent.Outcome.THROTTLED, user=None, client_ip=client_ip, user_agent=user_agent)


def _refresh_claims(raw: str) -> dict:
    """The claims of a refresh token this service signed, naming its user and its session as the service writes
    them (a canonical UUID each); jwt.InvalidTokenError otherwise."""
    token = verified_claims(raw, token_type=REFRESH)
    if not (is_canonical_uuid(token["sub"]) and is_canonical_uuid(token.get("sid"))):
        raise jwt.InvalidTokenError("sub and sid are canonical UUIDs")
    return token


def _decode_refresh(raw: str) -> dict:
    try:
        return _refresh_claims(raw)
    except jwt.InvalidTokenError as exc:
        metrics.refresh_failures.labels("invalid").inc()
        raise InvalidRefreshToken from exc


def token_refresh(*, raw: str) -> dict:
    """Retire the refresh token and issue the next pair of its session.

    The retirement is one conditional UPDATE in the transaction that issues the pair and records its claims, so
    concurrent refreshes with one token, on any worker, queue on that row: the first issues the pair, and each
    other one, within REFRESH_REUSE_INTERVAL of that first use, gets the same pair while the session lives (two
    tabs, a client's retry). Later, a retired token is a stolen copy or a replay: its session ends (RFC 9700,
    section 4.14.2), its live access tokens and the legitimate holder's current tokens included.
    """
    token = _decode_refresh(raw)
    now = timezone.now()
    with transaction.atomic():
        record = IssuedRefreshToken.objects.select_related("family__user").filter(jti=token["jti"]).first()
        if record is None:
            metrics.refresh_failures.labels("unknown").inc()
            raise InvalidRefreshToken
        family = record.family
        claimed = IssuedRefreshToken.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=now)
        if claimed:
            _check_session(family=family, now=now)
            TokenFamily.objects.filter(pk=family.pk).update(last_refreshed_at=now)
            successor = _issue(user=family.user, family=family)
            IssuedRefreshToken.objects.filter(pk=record.pk).update(successor=successor)
    if claimed:
        metrics.tokens_issued.labels("refresh").inc()
        return _pair(successor)
    return _reused(record=record, now=now)


def _check_session(*, family: TokenFamily, now: datetime) -> None:
    """InvalidRefreshToken unless the session and its user are live."""
    if not family.is_active or not family.user.is_active:
        metrics.refresh_failures.labels("revoked").inc()
        raise InvalidRefreshToken
    if now >= family.expires_at:
        metrics.refresh_failures.labels("session_expired").inc()
        raise InvalidRefreshToken


def _reused(*, record: IssuedRefreshToken, now: datetime) -> dict:
    """A refresh token used before: the same pair as its first use within the reuse interval, else the end of its
    session."""
    record.refresh_from_db()
    family = TokenFamily.objects.select_related("user").get(pk=record.family_id)
    used_at = record.used_at or now
    if record.successor is not None and now - used_at <= timedelta(seconds=settings.REFRESH_REUSE_INTERVAL):
        _check_session(family=family, now=now)
        metrics.tokens_issued.labels("refresh_reuse").inc()
        return _pair(record.successor)
    family_revoke(family=family, reason=TokenFamily.Reason.REUSE)
    metrics.refresh_failures.labels("reused").inc()
    logger.warning("refresh token reused; its session is ended", extra={"family_id": str(family.pk)})
    raise InvalidRefreshToken


def logout(*, raw: str) -> None:
    """Revoke the login that the refresh token belongs to; an expired or revoked one is already out."""
    try:
        token = _refresh_claims(raw)
    except jwt.ExpiredSignatureError:
        return
    except jwt.InvalidTokenError as exc:
        raise InvalidRefreshToken from exc
    record = IssuedRefreshToken.objects.select_related("family").filter(jti=token["jti"]).first()
    if record is not None:
        family_revoke(family=record.family, reason=TokenFamily.Reason.LOGOUT)


def token_revoke(*, raw: str) -> None:
    """RFC 7009's revocation: end the session of a refresh or an access token of this service (its refresh tokens
    and its live access tokens alike). Any other token, expired, forged or unknown, has nothing to revoke."""
    for token_type in (REFRESH, ACCESS):
        try:
            token = verified_claims(raw, token_type=token_type)
        except jwt.InvalidTokenError:
            continue
        session = token.get("sid")
        if isinstance(session, str) and is_canonical_uuid(session):
            family = TokenFamily.objects.filter(pk=session, revoked_at__isnull=True).first()
            if family is not None:
                family_revoke(family=family, reason=TokenFamily.Reason.LOGOUT)
        return


def client_description(user_agent: str) -> str:
    """A User-Agent as the sessions list shows it: printable characters only, at most 200 of them."""
    return "".join(character for character in user_agent if character.isprintable())[:200]


def session_end(*, user: User, session_id: uuid.UUID) -> None:
    """End one of the user's live sessions (DELETE /auth/sessions/{id}/); SessionNotFound if the user has no live
    session of this id."""
    family = TokenFamily.objects.filter(pk=session_id, user=user, revoked_at__isnull=True).first()
    if family is None:
        raise SessionNotFound
    family_revoke(family=family, reason=TokenFamily.Reason.ENDED)


def family_revoke(*, family: TokenFamily, reason: str) -> None:
    """End one session: none of its refresh tokens works again, and its live access tokens are refused."""
    ended = TokenFamily.objects.filter(pk=family.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    metrics.sessions_ended.labels(reason).inc(ended)
    family_id = family.pk
    transaction.on_commit(lambda: revocation.revoke_session_tokens(session_ids=[family_id]))


def user_sessions_revoke(*, user: User, reason: str, keep_family_id: str | None = None) -> None:
    """End every session of the user, their live access tokens included; with keep_family_id, every session but
    that one, whose tokens keep working (a password change)."""
    families = TokenFamily.objects.filter(user=user, revoked_at__isnull=True)
    if keep_family_id is not None:
        ended = list(families.exclude(pk=keep_family_id).values_list("pk", flat=True))
        TokenFamily.objects.filter(pk__in=ended).update(revoked_at=timezone.now(), revoked_reason=reason)
        metrics.sessions_ended.labels(reason).inc(len(ended))
        transaction.on_commit(lambda: revocation.revoke_session_tokens(session_ids=ended))
        return
    metrics.sessions_ended.labels(reason).inc(families.update(revoked_at=timezone.now(), revoked_reason=reason))
    user_id = user.pk  # now: the row may be deleted before the commit (the admin's deletion)
    transaction.on_commit(lambda: revocation.revoke_access_tokens(user_id=user_id))


def login_events_purge() -> int:
    """Delete the login audit records older than LOGIN_EVENT_RETENTION_DAYS: they hold the addresses people
    typed, which are kept no longer than an investigation needs."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_EVENT_RETENTION_DAYS)
    deleted, _ = LoginEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def expired_tokens_flush() -> int:
    """Delete expired refresh-token records and the logins that have no live token left."""
    now = timezone.now()
    deleted, _ = IssuedRefreshToken.objects.filter(expires_at__lt=now).delete()
    TokenFamily.objects.filter(
        refresh_tokens__isnull=True, created_at__lt=now - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    ).delete()
    return deleted
