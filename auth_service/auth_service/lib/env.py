"""Typed helpers that read settings from the environment and fail loudly on bad values."""

import os

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


def envint(name: str, default: int) -> int:
    """Return the variable as a positive integer."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be a positive integer, not {value!r}")
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
