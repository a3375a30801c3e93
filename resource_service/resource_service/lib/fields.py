"""Serializer fields that take one JSON type and nothing else.

DRF's CharField accepts a number and keeps its Python text: `{"name": 123}` was stored as "123" and
`{"name": 1e999}` as "inf"; its BooleanField takes 0, 1, "yes" and "off" for a boolean. The contract's strings
and booleans are JSON strings and booleans, so any other JSON value is a 400 naming the field. Every writable
text and boolean field of both APIs is one of these (tests/test_strings.py walks them).
"""

from rest_framework import serializers


class StringField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
