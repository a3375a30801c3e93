"""Writes that refer to an object another request may delete meanwhile."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Model


@contextmanager
def referring_to(instance: Model) -> Iterator[None]:
    """A transaction for rows whose foreign key points at instance. If another request deleted instance since
    it was read, PostgreSQL refuses the key when the transaction commits; that is instance's DoesNotExist (a
    404), not a database error (a 503)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if type(instance)._default_manager.filter(pk=instance.pk).exists():
            raise
        # Each model class has its own DoesNotExist; the type stubs give it to the model classes, not to Model.
        raise type(instance).DoesNotExist from exc  # type: ignore[attr-defined]
