"""Token forgery (RFC 8725 sections 2.1-2.3, 3.1-3.2; jwt_tool's playbook): every token here claims to be the
victim and is refused by both services, with nothing of the victim's changed."""

import hashlib
import hmac
import json

import jwt
import pytest
from conftest import Gateway
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from security.attacker import assert_refused, b64, header_and_claims


@pytest.fixture(scope="module")
def own_key() -> rsa.RSAPrivateKey:
    """The attacker's own RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def as_victim(attacker, victim) -> tuple[dict, dict]:
    """The header of a real token of the attacker's, and its claims made out to the victim."""
    header, claims = header_and_claims(attacker.login()["access"])
    return header, {**claims, "sub": victim.id}


def unsigned(header: dict, claims: dict, signature: str = "") -> str:
    return f"{b64(header)}.{b64(claims)}.{signature}"


# Signed by hand: PyJWT refuses to write some of what an attacker sends (an empty secret, a kid that is not
# a string).
def hmac_signed(header: dict, claims: dict, secret: bytes, digest=hashlib.sha256) -> str:
    signing_input = f"{b64(header)}.{b64(claims)}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), digest).digest())}"


def rs256_signed(header: dict, claims: dict, key: rsa.RSAPrivateKey) -> str:
    signing_input = f"{b64(header)}.{b64(claims)}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))}"


def test_no_token_or_a_malformed_one_is_refused(victim):
    for token in (None, "", "abc", "a.b.c", "a.b", "....", "eyJhbGciOiJub25lIn0"):
        assert_refused(token, victim)


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", ""])
def test_unsigned_tokens_are_refused_in_every_spelling_of_none(victim, as_victim, alg):
    header, claims = as_victim
    assert_refused(unsigned({**header, "alg": alg}, claims), victim)
    assert_refused(unsigned({key: value for key, value in header.items() if key != "alg"}, claims), victim)


def test_an_unsigned_token_keeping_a_real_signature_is_refused(victim, attacker, as_victim):
    header, claims = as_victim
    real_signature = attacker.login()["access"].rsplit(".", 1)[1]
    assert_refused(unsigned({**header, "alg": "none"}, claims, real_signature), victim)


def public_key_encodings(jwk: dict) -> list[bytes]:
    """The auth service's public key in each form an HMAC-confusion attack might try as the secret."""
    key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    spki_pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1_pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem_body = b"".join(spki_pem.strip().splitlines()[1:-1])
    modulus = key.public_numbers().n
    return [
        spki_pem,
        spki_pem.strip(),
        pkcs1_pem,
        der,
        pem_body,
        json.dumps(jwk).encode(),
        modulus.to_bytes((modulus.bit_length() + 7) // 8, "big"),
    ]


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_signed_with_the_public_key_is_refused_in_every_encoding(victim, anonymous, as_victim, alg):
    header, claims = as_victim
    keys = anonymous.get("/auth/.well-known/jwks.json").json()["keys"]
    jwk = next(key for key in keys if key["kid"] == header["kid"])
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    for secret in public_key_encodings(jwk):
        assert_refused(hmac_signed({**header, "alg": alg}, claims, secret, digest), victim)


def test_a_stripped_swapped_or_tampered_signature_is_refused(victim, attacker):
    real = attacker.login()["access"]
    header, claims = header_and_claims(real)
    encoded_header, encoded_claims, signature = real.split(".")
    victims_claims = b64({**claims, "sub": victim.id})
    flipped = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    other_signature = victim.tokens["access"].rsplit(".", 1)[1]
    for token in (
        f"{encoded_header}.{victims_claims}.{signature}",  # the claims changed under a real signature
        f"{encoded_header}.{victims_claims}.{other_signature}",  # another token's signature
        f"{encoded_header}.{encoded_claims}.",  # stripped
        f"{encoded_header}.{encoded_claims}",  # two parts
        f"{encoded_header}.{encoded_claims}.{flipped}",
        f"{b64({**header, 'typ': 'JWT', 'x': 1})}.{encoded_claims}.{signature}",  # the header changed
    ):
        assert_refused(token, victim)


@pytest.mark.parametrize("alg", ["RS256", "RS512", "PS256"])
def test_a_token_signed_with_another_key_is_refused(victim, as_victim, own_key, alg):
    header, claims = as_victim
    assert_refused(jwt.encode(claims, own_key, algorithm=alg, headers={"kid": header["kid"]}), victim)
    assert_refused(jwt.encode(claims, own_key, algorithm=alg, headers={"kid": "attacker"}), victim)


def own_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"}


def test_keys_named_in_the_header_are_neither_trusted_nor_fetched(victim, as_victim, own_key, listener):
    header, claims = as_victim
    url, connections = listener
    for injected in (
        {"jwk": own_jwk(own_key, header["kid"])},
        {"jwk": own_jwk(own_key, "attacker"), "kid": "attacker"},
        {"jku": f"{url}/jwks.json"},
        {"jku": f"{url}/jwks.json", "kid": "attacker"},
        {"x5u": f"{url}/cert.pem"},
        {"x5u": f"{url}/cert.pem", "kid": "attacker"},
    ):
        token = jwt.encode(claims, own_key, algorithm="RS256", headers={"kid": header["kid"], **injected})
        assert_refused(token, victim)
    assert connections == []


@pytest.mark.parametrize(
    ("kid", "secret"),
    [
        ("../../../../../../../dev/null", b""),
        ("/dev/null", b""),
        ("' UNION SELECT 'key' --", b"key"),
        ("key' OR '1'='1", b"key"),
        ("/proc/self/environ", b""),
        ("x" * 2_000, b""),
    ],
    ids=["path-traversal", "dev-null", "sql-union", "sql-or", "proc", "long"],
)
def test_kid_injection_is_refused(victim, as_victim, kid, secret):
    _header, claims = as_victim
    assert_refused(hmac_signed({"alg": "HS256", "typ": "JWT", "kid": kid}, claims, secret), victim)


def test_a_kid_of_another_type_is_refused(victim, as_victim, own_key):
    header, claims = as_victim
    real_kid = header["kid"]
    for kid in (0, None, [real_kid], {"kid": real_kid}):
        assert_refused(unsigned({**header, "kid": kid}, claims, "c2ln"), victim)
        assert_refused(rs256_signed({**header, "kid": kid}, claims, own_key), victim)


def test_the_real_token_opens_what_the_forgeries_do_not(attacker, victim):
    """The control: the same requests with a genuine token succeed, so the refusals above are the tokens'."""
    assert Gateway(victim.tokens["access"]).get("/api/projects/").status_code == 200
    assert attacker.api().get("/api/projects/").status_code == 200
