import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from auth_service.lib import env


def test_a_required_secret_names_itself_when_missing(monkeypatch):
    monkeypatch.delenv("SOME_SECRET", raising=False)
    monkeypatch.delenv("SOME_SECRET_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET"):
        env.envsecret("SOME_SECRET", required=True)
    assert env.envsecret("SOME_SECRET", required=False) is None


def test_a_secret_may_come_from_a_file(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("from-file")
    monkeypatch.setenv("SOME_SECRET_FILE", str(path))
    assert env.envsecret("SOME_SECRET", required=True) == "from-file"
    monkeypatch.setenv("SOME_SECRET", "inline")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.envsecret("SOME_SECRET", required=True)


def test_an_unreadable_secret_file_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET_FILE"):
        env.envsecret("SOME_SECRET", required=True)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("off", False), ("No", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.envbool("FLAG", not expected) is expected


@pytest.mark.parametrize(("helper", "raw"), [(env.envbool, "maybe"), (env.envint, "ten"), (env.envint, "0")])
def test_bad_values_stop_the_start(monkeypatch, helper, raw):
    monkeypatch.setenv("VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="VALUE"):
        helper("VALUE", 1)


def test_production_start_without_the_signing_key_names_it(settings):
    from auth_service.tokens import keys

    settings.JWT_PRIVATE_KEY = None
    with pytest.raises(ImproperlyConfigured, match="JWT_PRIVATE_KEY"):
        keys.signing_key()


def test_a_short_rsa_key_is_refused(settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from auth_service.tokens import keys

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the point of the test)
    settings.JWT_PRIVATE_KEY = small.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(ImproperlyConfigured, match="2048"):
        keys.signing_key()


def test_the_database_url_can_be_made_of_parts(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_HOST", "db.internal")
    monkeypatch.setenv("DATABASE_NAME", "auth")
    monkeypatch.setenv("DATABASE_USER", "auth")
    monkeypatch.setenv("DATABASE_PASSWORD", "p@ss:w/rd")
    assert env.database_url("unused") == (
        "postgres://auth:p%40ss%3Aw%2Frd@db.internal:5432/auth"
        "?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt"
    )
    monkeypatch.setenv("DATABASE_SSLROOTCERT", "/run/ca/private ca.pem")
    assert env.database_url("unused").endswith("?sslmode=verify-full&sslrootcert=/run/ca/private%20ca.pem")
    monkeypatch.delenv("DATABASE_PASSWORD")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PASSWORD"):
        env.database_url("unused")
    monkeypatch.delenv("DATABASE_HOST")
    assert env.database_url("the default") == "the default"


def test_the_redis_url_can_be_made_of_parts(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env.redis_url("the default") == "the default"
    monkeypatch.setenv("REDIS_HOST", "cache.internal")
    monkeypatch.setenv("REDIS_PASSWORD", "t0k/en")
    assert env.redis_url("unused") == "rediss://:t0k%2Fen@cache.internal:6379/0?ssl_cert_reqs=required"
    monkeypatch.setenv("REDIS_TLS", "false")
    monkeypatch.delenv("REDIS_PASSWORD")
    assert env.redis_url("unused") == "redis://cache.internal:6379/0"


def test_the_folders_the_service_writes_by_default_stay_out_of_its_image():
    """Local state (mails written as files, export files, collected static files) is no part of a build."""
    from django.conf import settings as django_settings

    ignored = (django_settings.BASE_DIR / ".dockerignore").read_text().split()
    assert {"sent-mail", "staticfiles"} <= set(ignored)


def test_production_hashes_passwords_with_argon2():
    """The tests hash with MD5 for speed; a service started with its own settings hashes with Argon2id."""
    script = (
        "import django; django.setup(); from django.contrib.auth.hashers import identify_hasher, make_password;"
        " print(identify_hasher(make_password('a long passphrase')).algorithm)"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "auth_service.settings"}
    result = subprocess.run(  # noqa: S603 (this interpreter, this repository's settings)
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "argon2"
