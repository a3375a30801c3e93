"""Plain Django views that answer HTTP as the API does: GET and HEAD alike, OPTIONS, and 405 in JSON for the rest."""

from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

ALLOW = "GET, HEAD, OPTIONS"


def read_only(view):
    """GET and HEAD run the view (the server sends no body for HEAD); OPTIONS names the methods; anything else is a
    405 with Allow and a JSON body. No CSRF check: nothing here reads a cookie session, let alone changes anything."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
        else:
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
        response["Allow"] = ALLOW
        return response

    return csrf_exempt(wrapped)
