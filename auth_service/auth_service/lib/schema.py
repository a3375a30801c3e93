"""The OpenAPI schema's view of every operation: its own responses, plus the errors any of them can answer."""

from drf_yasg import openapi
from drf_yasg.inspectors import SwaggerAutoSchema

ERROR = openapi.Schema(
    type=openapi.TYPE_OBJECT,
    description='{"detail": "..."} or field errors: {"field": ["message", ...]}',
    additional_properties=True,
)


class AutoSchema(SwaggerAutoSchema):
    """drf-yasg's schema of an operation, with the error responses it may give documented."""

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        errors = {
            "400": "Invalid input: malformed JSON, wrong types, invalid values",
            "404": "Not found (another user's object is not found either)",
            "429": "Too many requests from this address",
            "503": "A dependency (database, Redis) is unavailable; retry after Retry-After",
        }
        if self.get_security() != []:
            errors["401"] = "Missing, invalid, expired or revoked access token"
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["415"] = "The body is not JSON"
        for code, description in errors.items():
            responses.setdefault(code, openapi.Response(description, ERROR))
        return responses
