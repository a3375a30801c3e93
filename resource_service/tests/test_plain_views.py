"""The views outside DRF answer HTTP as the API does: HEAD as GET, OPTIONS, and a JSON 405 with Allow for the rest,
never Django's HTML CSRF page."""

import pytest
from django.test import Client

from tests.conftest import PLAIN_VIEW_PATHS

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that enforces CSRF, as a browser's requests meet it."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("path", PLAIN_VIEW_PATHS)
def test_head_answers_as_get_does(browser, path):
    get, head = browser.get(path), browser.head(path)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.get("ETag") == get.get("ETag")


@pytest.mark.parametrize("path", PLAIN_VIEW_PATHS)
def test_options_names_the_methods(browser, path):
    response = browser.options(path)
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", PLAIN_VIEW_PATHS)
def test_other_methods_are_a_json_405_with_allow(browser, path, method):
    response = getattr(browser, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
