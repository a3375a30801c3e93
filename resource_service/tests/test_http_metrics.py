"""lib/http_metrics.py records, for the same requests, the series and values that django-prometheus' own
middlewares record."""

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import RequestFactory, override_settings
from django.utils.module_loading import import_string
from prometheus_client import REGISTRY

from tests.conftest import PREFIX, database_request, endpoint_requests, new_client
from tests.test_errors import division_by_zero, failing_with

pytestmark = pytest.mark.django_db

OWN = ["resource_service.lib.http_metrics.BeforeMiddleware", "resource_service.lib.http_metrics.AfterMiddleware"]
LIBRARY = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Latencies differ from run to run: of their histograms, only the number of observations is compared.
LATENCIES = {
    "django_http_requests_latency_including_middlewares_seconds",
    "django_http_requests_latency_seconds_by_view_method",
}


def samples() -> dict:
    found = {}
    for family in REGISTRY.collect():
        if not family.name.startswith("django_http"):
            continue
        for sample in family.samples:
            if sample.name.endswith("_created") or (family.name in LATENCIES and not sample.name.endswith("_count")):
                continue
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def recorded(send) -> dict:
    """What send() adds to each series."""
    before = samples()
    send()
    return {key: value - before.get(key, 0) for key, value in samples().items() if value != before.get(key, 0)}


def requests(monkeypatch) -> None:
    """A few requests of each kind."""
    api = new_client()
    api.get(f"{PREFIX}/healthz")
    api.get(f"{PREFIX}/healthz", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    api.head(f"{PREFIX}/healthz")
    api.generic("BREW", f"{PREFIX}/healthz")
    api.get("/nothing-here")
    endpoint_requests(api)
    with monkeypatch.context() as patched:
        failing_with(patched, division_by_zero())
        api.raise_request_exception = False
        database_request(api)


def test_the_production_middleware_are_the_projects_own_first_and_last():
    assert [settings.MIDDLEWARE[0], settings.MIDDLEWARE[-1]] == OWN


def test_requests_are_recorded_as_django_prometheus_records_them(monkeypatch):
    inner = settings.MIDDLEWARE[1:-1]
    with override_settings(MIDDLEWARE=[LIBRARY[0], *inner, LIBRARY[1]]):
        expected = recorded(lambda: requests(monkeypatch))
    with override_settings(MIDDLEWARE=[OWN[0], *inner, OWN[1]]):
        assert recorded(lambda: requests(monkeypatch)) == expected
    # What the comparison covered: each hook of the middleware pair.
    recorded_names = {name for name, _ in expected}
    assert {
        "django_http_ajax_requests_total",
        "django_http_requests_total_by_view_transport_method_total",
        "django_http_responses_total_by_templatename_total",
        "django_http_exceptions_total_by_type_total",
    } <= recorded_names
    assert ("django_http_requests_total_by_method_total", (("method", "<invalid method>"),)) in expected


def test_a_streaming_response_is_recorded_as_django_prometheus_records_it():
    def stream(request):
        return StreamingHttpResponse(iter([b"a", b"b"]))

    def send(names):
        before, after = (import_string(name) for name in names)
        before(after(stream))(RequestFactory().get("/download"))

    expected = recorded(lambda: send(LIBRARY))
    assert ("django_http_responses_streaming_total", ()) in expected
    assert recorded(lambda: send(OWN)) == expected
