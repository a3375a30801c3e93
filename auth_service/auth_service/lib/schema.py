"""The OpenAPI schema's view of every operation: its own responses, plus the errors any of them can answer."""

import copy
import sys

from drf_yasg import openapi
from drf_yasg.generators import OpenAPISchemaGenerator
from drf_yasg.inspectors import FieldInspector, SwaggerAutoSchema
from rest_framework import serializers

ERROR = openapi.Schema(
    type=openapi.TYPE_OBJECT,
    description='{"detail": "..."} or field errors: {"field": ["message", ...]}',
    additional_properties=True,
)


# A string without NUL characters, which DRF refuses in every text field; and one with a character that is not white
# space, where DRF trims it (str.strip(): its white space, written out, since \\s differs between regex engines)
# and refuses a blank value.
NO_NUL = "^[^\\u0000]*$"
WHITE_SPACE = "".join(f"\\u{code:04x}" for code in range(sys.maxunicode + 1) if chr(code).isspace())
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{WHITE_SPACE}][^\\u0000]*$"


class TextPatterns(FieldInspector):
    """The text rules DRF applies to every text field, written in its schema as a pattern, so that a client, or the
    fuzz run, does not take a string the API refuses for a valid one."""

    def process_result(self, result, method_name, obj, **kwargs):
        if isinstance(obj, serializers.CharField) and isinstance(result, openapi.Schema) and "pattern" not in result:
            result.pattern = NO_NUL if obj.allow_blank or not obj.trim_whitespace else NOT_BLANK
        return result


class AutoSchema(SwaggerAutoSchema):
    """drf-yasg's schema of an operation, with the error responses it can give documented, and only those: a
    status documented everywhere would be one a client, or a schema check, can never catch out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_inspectors = [TextPatterns, *self.field_inspectors]

    def get_request_body_parameters(self, consumes):
        """A PATCH's body as the API reads it: any of the fields, or none (no change)."""
        parameters = super().get_request_body_parameters(consumes)
        if self.method == "PATCH":
            for parameter in parameters:
                parameter.schema = copy.deepcopy(openapi.resolve_ref(parameter.schema, self.components))
                parameter.schema.pop("required", None)
                parameter.required = False
        return parameters

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        reads_body = self.get_request_serializer() is not None
        reads_query = bool(self.get_query_parameters())
        pages = bool(self.get_pagination_parameters())
        errors = {}
        if reads_body or reads_query or "{" in self.path:
            errors["400"] = "Invalid input: malformed JSON, wrong types, invalid values, a path the gateway refuses"
        if self.get_security() != []:
            errors["401"] = "Missing, invalid, expired or revoked access token"
        if "{" in self.path or pages:
            errors["404"] = "Not found (another user's object is not found either)" if not pages else "No such page"
        if reads_query:
            errors["414"] = "The request line is over the gateway's 8 KiB"
        if reads_body:
            errors["415"] = "The body is not JSON"
        errors["429"] = "Too many requests from this address (the gateway's limit)"
        errors["503"] = "A dependency (database, Redis) is unavailable; retry after Retry-After"
        for code, description in errors.items():
            responses.setdefault(code, openapi.Response(description, ERROR))
        return responses


class SchemaGenerator(OpenAPISchemaGenerator):
    """drf-yasg's schema, with the path parameters as the URL patterns read them: every one is a UUID (the `uuid`
    converter; tests/test_route_walk.py checks the patterns), and a path that holds no UUID there is a 404."""

    def get_path_parameters(self, path, view_cls):
        parameters = super().get_path_parameters(path, view_cls)
        for parameter in parameters:
            parameter.format = openapi.FORMAT_UUID
        return parameters
