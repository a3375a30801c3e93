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
