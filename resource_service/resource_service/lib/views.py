"""HTTP methods answered as the API does everywhere: GET and HEAD alike, OPTIONS, and a 405 in JSON with Allow for
a method a route does not take, before anything else looks at the request."""

from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

ALLOW = "GET, HEAD, OPTIONS"


def not_allowed(method: str, allow: str) -> JsonResponse:
    """DRF's own 405 answer."""
    response = JsonResponse({"detail": f'Method "{method}" not allowed.'}, status=405)
    response["Allow"] = allow
    return response


def read_only(view):
    """For a plain view (and a document such as the metrics or the API schema): GET and HEAD run it (the server
    sends no body for HEAD); OPTIONS names the methods; anything else is a 405 with Allow and a JSON body. No CSRF
    check: nothing here reads a cookie session, let alone changes anything."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ALLOW
            return response
        return not_allowed(request.method, ALLOW)

    return csrf_exempt(wrapped)


class MethodMiddleware:
    """A method an API view does not take is its 405 before the view authenticates the request: DRF checks the
    method after the credentials, so an anonymous DELETE of a read-only route was a 401, and an unknown method
    (PROPFIND) too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        if view_class is None:
            return None
        # As Django's View and DRF's allowed_methods see them: HEAD runs GET's handler where there is no other.
        allowed = [
            name.upper()
            for name in view_class.http_method_names
            if hasattr(view_class, name) or (name == "head" and hasattr(view_class, "get"))
        ]
        if request.method in allowed:
            return None
        return not_allowed(request.method, ", ".join(allowed))
