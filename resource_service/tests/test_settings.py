import pytest
from django.core.exceptions import ImproperlyConfigured

from resource_service.lib import env


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


def test_production_start_without_the_public_key_names_it(settings):
    from resource_service.tokens import keys

    settings.JWT_PUBLIC_KEY = None
    with pytest.raises(ImproperlyConfigured, match="JWT_PUBLIC_KEY"):
        keys.verification_keys()


@pytest.mark.parametrize(
    "bundle",
    [
        "not a key",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ],
)
def test_a_bad_public_key_bundle_is_refused(settings, bundle):
    from resource_service.tokens import keys

    settings.JWT_PUBLIC_KEY = bundle
    with pytest.raises(ImproperlyConfigured, match="JWT_PUBLIC_KEY"):
        keys.verification_keys()


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


def test_the_web_start_needs_a_key_source(settings):
    from resource_service.tokens import keys

    settings.JWT_PUBLIC_KEY = None
    settings.JWT_JWKS_URL = ""
    settings.JWT_DISCOVERY = False
    with pytest.raises(ImproperlyConfigured, match="JWT_JWKS_URL or JWT_DISCOVERY"):
        keys.check_configuration()
    settings.JWT_JWKS_URL = "http://127.0.0.1:9/jwks.json"
    keys.check_configuration()
    settings.JWT_JWKS_URL = ""
    settings.JWT_DISCOVERY = True
    keys.check_configuration()


def test_the_folders_the_service_writes_by_default_stay_out_of_its_image():
    """Local state (mails written as files, export files, collected static files) is no part of a build."""
    from django.conf import settings as django_settings

    ignored = (django_settings.BASE_DIR / ".dockerignore").read_text().split()
    assert {"media", "staticfiles"} <= set(ignored)
