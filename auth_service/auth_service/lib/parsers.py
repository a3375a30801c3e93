"""The JSON body parser of every endpoint, and with it the one policy for what a body may be.

A body is UTF-8 JSON (RFC 8259) of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, nested no deeper than Python's
parser goes, without NaN or Infinity, and with every name of an object used once: parsers disagree on which of
two duplicates counts, so neither does. Anything else is a 400 with `{"detail": "JSON parse error - ..."}`.
"""

import json

from django.conf import settings
from rest_framework import parsers, renderers
from rest_framework.exceptions import ParseError


def _unique_names(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a name is used twice in one object")
    return result


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


class JSONParser(parsers.BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(f"JSON parse error - the body is larger than {limit} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError("JSON parse error - the body is not UTF-8") from exc
        try:
            return json.loads(text, object_pairs_hook=_unique_names, parse_constant=_no_constant)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
