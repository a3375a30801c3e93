"""The resource service trusts every key of its PEM bundle, each matched by its kid."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from resource_service.tokens.jwk import thumbprint
from tests.conftest import ALICE
from tests.signing import PUBLIC_PEM, claims_for, sign

pytestmark = pytest.mark.django_db


def test_tokens_of_every_key_in_the_bundle_are_accepted(api, settings):
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_pem = (
        new_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.JWT_PUBLIC_KEY = PUBLIC_PEM + new_pem
    old_token = sign(claims_for(ALICE))
    new_token = sign(claims_for(ALICE), key=new_key, headers={"kid": thumbprint(new_key.public_key())})
    for token in (old_token, new_token):
        assert api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    # The new key's token under the old key's kid: the signature does not match that key.
    mislabelled = sign(claims_for(ALICE), key=new_key)
    assert api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {mislabelled}").status_code == 401


def test_a_key_removed_from_the_bundle_is_no_longer_trusted(api, settings):
    token = sign(claims_for(ALICE))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.JWT_PUBLIC_KEY = (
        other.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
