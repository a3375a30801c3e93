"""Serializer fields that take a JSON string and nothing else.

DRF's CharField accepts a number and keeps its Python text: `{"name": 123}` was stored as "123" and
`{"name": 1e999}` as "inf". The contract's strings are JSON strings, so any other JSON value is a 400 naming
the field. Every writable text field of both APIs is a StringField (tests/test_strings.py walks them).
"""

from rest_framework import serializers


class StringField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
