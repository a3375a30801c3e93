"""Every route of the service, walked with every method, with a bearer token and without: HEAD answers as GET
does without a body, OPTIONS and everything else without a 5xx, a method a route does not take is a 405 naming
the ones it does (Allow), an unknown method a 405 or 501, and every error is JSON. The admin is left out: a
cookie session authenticates there, so CSRF and Django's pages apply (tests/test_admin*.py)."""

import re
import uuid

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.conftest import PREFIX, route_caller

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"]
# What a route answers a GET with when that is not JSON: its documentation pages, the metrics, an export's file.
NOT_JSON = {"text/html", "text/plain", "text/csv", "application/openmetrics-text"}


def routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if "admin/" in route:
            continue
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


ROUTES = routes()


def path_of(route: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        route = route.replace(f"<uuid:{name}>", value)
    assert "<" not in route, f"no value for a parameter of {route} (route_caller in tests/conftest.py)"
    return "/" + route


def media_type(response) -> str:
    return response.get("Content-Type", "").partition(";")[0]


def test_the_walk_finds_the_routes():
    assert len(ROUTES) >= 10


@pytest.mark.parametrize("bearer", [True, False], ids=["token", "anonymous"])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", ROUTES)
def test_every_route_answers_every_method_as_http_says(route, method, bearer):
    client, values = route_caller(bearer)
    path = path_of(route, values)
    if method == "HEAD":
        get = client.get(path)
    response = client.generic(method, path, "{}", content_type="application/json")
    assert response.status_code < 500, response.content[:300]
    if method == "HEAD":
        assert response.status_code == get.status_code
        assert media_type(response) == media_type(get)
        assert response.content == b""
        return
    if response.status_code == 405:
        allowed = {name.strip() for name in response["Allow"].split(",")}
        assert method not in allowed
        assert {"GET", "HEAD"} <= allowed or "GET" not in allowed
    if method == "PROPFIND":
        assert response.status_code in (405, 501)
    if method == "OPTIONS" and response.status_code == 200:
        assert "Allow" in response
    if response.status_code >= 400 or (method != "GET" and response.content):
        assert media_type(response) == "application/json", response.content[:300]
        response.json()
    elif response.content:
        assert media_type(response) in NOT_JSON | {"application/json"}


def test_every_path_parameter_is_a_uuid_as_the_schema_says(client):
    """lib/schema.py documents every path parameter as a UUID: the URL patterns take a UUID there, and nothing
    else."""
    schema = client.get(f"{PREFIX}/swagger.json").json()
    paths = [path for path in schema["paths"] if "{" in path]
    assert paths
    for path in paths:
        assert {parameter["format"] for parameter in schema["paths"][path]["parameters"]} == {"uuid"}, path
        resolve(schema["basePath"] + re.sub(r"{\w+}", str(uuid.uuid4()), path))
        with pytest.raises(Resolver404):
            resolve(schema["basePath"] + re.sub(r"{\w+}", "not-a-uuid", path))
