"""A string of the contract is a JSON string: every writable text field of the service's serializers refuses any
other JSON value with a 400 naming the field, instead of storing its Python text ("123", "inf", "True")."""

import importlib
import inspect
import pkgutil

import pytest
from django.conf import settings
from hypothesis import given
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


TEXT_FIELDS = [
    (cls, name)
    for cls in serializer_classes()
    for name, field in cls().fields.items()
    if isinstance(field, serializers.CharField | serializers.ChoiceField) and not field.read_only
]


def test_the_walk_finds_the_text_fields():
    assert len(TEXT_FIELDS) >= 4


@pytest.mark.parametrize(("cls", "name"), TEXT_FIELDS, ids=[f"{cls.__name__}.{name}" for cls, name in TEXT_FIELDS])
@given(value=json_values.filter(lambda value: not isinstance(value, str)))
def test_a_text_field_refuses_json_that_is_not_a_string(cls, name, value):
    serializer = cls(data={name: value})
    if value is None and serializer.fields[name].allow_null:
        return
    assert not serializer.is_valid()
    assert name in serializer.errors
