"""Responses to a bearer token carry a user's data: no cache may store them (OWASP ASVS V8.2.1)."""


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a request with an Authorization header, unless the view
    said otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "HTTP_AUTHORIZATION" in request.META and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
