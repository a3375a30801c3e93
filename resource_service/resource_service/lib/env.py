"""Typed helpers that read settings from the environment and fail loudly on bad values."""

import os
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    """Return the variable, or the default when it is unset."""
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; anything but a yes/no word is an error."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int, *, minimum: int = 1) -> int:
    """Return the variable as an integer of at least `minimum` (a positive one unless told otherwise)."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be an integer of at least {minimum}, not {value!r}")
    return number


def envlist(name: str, default: str) -> list[str]:
    """Return a comma-separated variable as a list, without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str, *, required: bool) -> str | None:
    """Return the secret from NAME, or from the file that NAME_FILE names.

    A required secret that is set in neither way stops the start with a message naming it.
    """
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if path:
        try:
            with open(path, encoding="utf-8") as secret_file:
                value = secret_file.read()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}") from exc
    if not value and required:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set")
    return value or None


# Debian's bundle of the system's certificate authorities. libpq's `sslrootcert=system` would not find it: the
# OpenSSL inside psycopg2-binary looks in the folder of the machine that built the wheel.
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def database_url(default: str) -> str:
    """DATABASE_URL, or a URL made of DATABASE_HOST, _PORT, _NAME, _USER, _PASSWORD, _SSLMODE and _SSLROOTCERT.

    The parts suit secrets that hold the user and password apart from the host (Amazon RDS). The server's
    certificate is verified, host name included, against the system's authorities unless _SSLROOTCERT names
    another bundle.
    """
    url = os.environ.get("DATABASE_URL")
    host = os.environ.get("DATABASE_HOST")
    if url or not host:
        return url or default
    user = quote(envsecret("DATABASE_USER", required=True) or "", safe="")
    password = quote(envsecret("DATABASE_PASSWORD", required=True) or "", safe="")
    port = envint("DATABASE_PORT", 5432)
    name = envstr("DATABASE_NAME", "postgres")
    sslmode = envstr("DATABASE_SSLMODE", "verify-full")
    sslrootcert = quote(envstr("DATABASE_SSLROOTCERT", SYSTEM_CA_BUNDLE), safe="/")
    return f"postgres://{user}:{password}@{host}:{port}/{name}?sslmode={sslmode}&sslrootcert={sslrootcert}"


def redis_url(default: str) -> str:
    """REDIS_URL, or a URL made of REDIS_HOST, _PORT, _USERNAME, _PASSWORD (a secret) and REDIS_TLS."""
    url = os.environ.get("REDIS_URL")
    host = os.environ.get("REDIS_HOST")
    if url or not host:
        return url or default
    username = quote(envstr("REDIS_USERNAME", ""), safe="")
    password = envsecret("REDIS_PASSWORD", required=False)
    credentials = f"{username}:{quote(password, safe='')}@" if password else ""
    port = envint("REDIS_PORT", 6379)
    if envbool("REDIS_TLS", True):
        return f"rediss://{credentials}{host}:{port}/0?ssl_cert_reqs=required"
    return f"redis://{credentials}{host}:{port}/0"
