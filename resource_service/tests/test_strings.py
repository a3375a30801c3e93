"""A string of the contract is a JSON string, a boolean a JSON boolean: every writable text or boolean field of the
service's serializers refuses any other JSON value with a 400 naming the field, instead of storing its Python
text ("123", "inf", "True") or reading 0, 1, "yes" as a boolean."""

import importlib
import inspect
import pkgutil

import pytest
from django.conf import settings
from hypothesis import assume, given
from rest_framework import serializers

from tests.strategies import json_values

PACKAGE = importlib.import_module(settings.ROOT_URLCONF.partition(".")[0])


def serializer_classes() -> list[type[serializers.Serializer]]:
    found = []
    for module_info in pkgutil.walk_packages(PACKAGE.__path__, f"{PACKAGE.__name__}."):
        if module_info.name.endswith(".serializers"):
            module = importlib.import_module(module_info.name)
            found += [
                cls
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__
            ]
    return found


# Each writable text or boolean field, with the one JSON type it takes.
TYPED_FIELDS = [
    (cls, name, bool if isinstance(field, serializers.BooleanField) else str)
    for cls in serializer_classes()
    for name, field in cls().fields.items()
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.BooleanField)
    and not field.read_only
]


def test_the_walk_finds_the_text_fields():
    assert len([kind for _, _, kind in TYPED_FIELDS if kind is str]) >= 4


@pytest.mark.parametrize(
    ("cls", "name", "kind"), TYPED_FIELDS, ids=[f"{cls.__name__}.{name}" for cls, name, _ in TYPED_FIELDS]
)
@given(value=json_values)
def test_a_field_refuses_json_of_another_type(cls, name, kind, value):
    assume(not isinstance(value, kind))
    serializer = cls(data={name: value})
    if value is None and serializer.fields[name].allow_null:
        return
    assert not serializer.is_valid()
    assert name in serializer.errors
