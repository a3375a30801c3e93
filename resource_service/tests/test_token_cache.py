"""A verified access token is found again instead of verified again, and never lets through what a fresh
verification would refuse: a token differing in a byte, expired, signed by a key no longer trusted, revoked,
of another audience once the settings change."""

import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from resource_service.tokens import token_cache
from tests.conftest import ALICE
from tests.signing import PUBLIC_PEM, claims_for, sign, token_for

URL = "/api/projects/"


@pytest.fixture
def verifications(monkeypatch):
    """The tokens whose signature and claims were verified, in order."""
    seen = []
    real = token_cache.verified_claims

    def counting(token, *, token_type):
        seen.append(token)
        return real(token, token_type=token_type)

    monkeypatch.setattr(token_cache, "verified_claims", counting)
    return seen


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by the test: [now]."""
    now = [token_cache.clock()]
    monkeypatch.setattr(token_cache, "clock", lambda: now[0])
    return now


def get(api, token: str) -> int:
    return api.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_token_verified_once_is_found_again(api, db, verifications):
    token = token_for(ALICE)
    assert [get(api, token) for _ in range(3)] == [200, 200, 200]
    assert len(verifications) == 1


def test_a_token_differing_in_any_byte_is_verified_and_refused(api, db, verifications):
    token = token_for(ALICE)
    assert get(api, token) == 200
    for position in (len(token) - 1, token.index(".") + 5, 3):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        assert get(api, changed) == 401
    assert len(verifications) == 4


@given(mutation=st.tuples(st.integers(min_value=0), st.sampled_from("ABCDEFabcdef0123456789-_.")))
def test_with_the_cache_a_changed_token_is_answered_as_without_it(api, db, mutation):
    """Whatever byte of a cached token changes, the answer is the one a fresh verification gives."""
    token_cache.clear()
    token = token_for(ALICE)
    assert get(api, token) == 200
    position = mutation[0] % len(token)
    changed = token[:position] + mutation[1] + token[position + 1 :]
    with_cache = get(api, changed)
    token_cache.clear()
    assert get(api, changed) == with_cache


def test_an_entry_ends_when_its_token_expires_with_the_leeway(api, db, settings, verifications, clock):
    """Past `exp` and the leeway the entry is gone and the token verified again, which refuses an expired token
    (test_token_claims.py); PyJWT reads the real clock, so this test counts the verifications."""
    token = sign(claims_for(ALICE, exp=int(clock[0]) + 5))
    assert get(api, token) == 200
    clock[0] += 5 + settings.JWT_LEEWAY_SECONDS - 1
    assert get(api, token) == 200
    assert len(verifications) == 1
    clock[0] += 2
    get(api, token)
    assert len(verifications) == 2


def test_an_entry_lives_a_minute_at_most(api, db, verifications, clock):
    token = token_for(ALICE)
    assert get(api, token) == 200
    clock[0] += token_cache.MAX_AGE_SECONDS - 1
    assert get(api, token) == 200
    assert len(verifications) == 1
    clock[0] += 2
    assert get(api, token) == 200
    assert len(verifications) == 2


def test_a_key_no_longer_trusted_ends_the_entries_it_verified(api, db, settings):
    token = token_for(ALICE)
    assert get(api, token) == 200
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    settings.JWT_PUBLIC_KEY = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    assert get(api, token) == 401
    settings.JWT_PUBLIC_KEY = PUBLIC_PEM
    assert get(api, token) == 200


def test_a_key_gone_from_the_key_set_ends_its_entries_without_a_settings_change(api, db, monkeypatch):
    token = token_for(ALICE)
    assert get(api, token) == 200
    monkeypatch.setattr(token_cache.keys, "verification_key", lambda kid: None)
    assert get(api, token) == 401


def test_a_settings_change_of_what_verification_accepts_empties_the_cache(api, db, settings):
    token = token_for(ALICE)
    assert get(api, token) == 200
    settings.JWT_AUDIENCE = "another-service"
    assert get(api, token) == 401


def test_a_revoked_session_is_refused_though_its_token_is_cached(api, db, redis_db):
    session = str(uuid.uuid4())
    token = token_for(ALICE, sid=session)
    assert get(api, token) == 200
    redis_db.set(f"revoked-session:{session}", 1)
    from resource_service.tokens import revocation

    revocation.forget()  # the revocation store's own second-long memory
    assert get(api, token) == 401


def test_the_least_recently_used_entry_leaves_first(api, db, verifications, monkeypatch):
    monkeypatch.setattr(token_cache, "MAX_ENTRIES", 2)
    first, second, third = (token_for(ALICE) for _ in range(3))
    for token in (first, second, first, third):  # first was used after second: second leaves
        assert get(api, token) == 200
    assert get(api, first) == 200
    assert get(api, second) == 200
    assert verifications == [t.encode() for t in (first, second, third, second)]


def test_a_token_longer_than_the_limit_is_verified_every_time(api, db, verifications):
    token = token_for(ALICE, padding="x" * token_cache.MAX_TOKEN_BYTES)
    assert [get(api, token) for _ in range(2)] == [200, 200]
    assert len(verifications) == 2


def test_a_refusal_is_not_remembered(api, db, verifications):
    token = sign(claims_for(ALICE, aud="another-service"))
    assert [get(api, token) for _ in range(2)] == [401, 401]
    assert len(verifications) == 2


def test_the_claims_given_out_are_copies(db):
    token = token_for(ALICE).encode()
    for _ in range(2):  # the verification's claims, then the entry's
        token_cache.verified_access_claims(token)["sub"] = "someone else"
    assert token_cache.verified_access_claims(token)["sub"] == ALICE


def test_a_token_whose_key_went_right_after_its_verification_is_not_kept(api, db, monkeypatch):
    real = token_cache.keys.verification_key
    lookups = []

    def key_gone_after_the_first_lookup(kid):
        lookups.append(kid)
        return real(kid) if len(lookups) == 1 else None

    monkeypatch.setattr(token_cache.keys, "verification_key", key_gone_after_the_first_lookup)
    token = token_for(ALICE)
    assert [get(api, token) for _ in range(2)] == [200, 401]
