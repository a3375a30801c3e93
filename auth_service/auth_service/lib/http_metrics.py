"""django-prometheus' request and response metrics, the same families, labels and values, from two plain middlewares.

django-prometheus' own pair cost a third of a trivial request (docs/profiling.md). Besides the dozen updates of
memory-mapped values that every request needs in multiprocess mode, it looked each labelled series up again
through prometheus_client, built `request.headers` for two header reads and worked the response's charset out
three times. These look each series up once per process and read the request's headers from META.
tests/test_http_metrics.py holds them to what django-prometheus' middlewares record for the same requests.
"""

from timeit import default_timer

from django_prometheus.middleware import Metrics

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"})

_series: dict[tuple, object] = {}


def series(metric, *labels: str):
    """The metric's series for these label values (in the metric's label order), looked up once per process."""
    try:
        return _series[metric, labels]
    except KeyError:
        child = _series[metric, labels] = metric.labels(*labels)
        return child


def _method(request) -> str:
    return request.method if request.method in METHODS else "<invalid method>"


def _transport(request) -> str:
    return "https" if request.is_secure() else "http"


def _view(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or "<unnamed view>"


class BeforeMiddleware:
    """First in MIDDLEWARE: requests and responses counted, and their latency, with every middleware included."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics = Metrics.get_instance()

    def __call__(self, request):
        self.metrics.requests_total.inc()
        started = default_timer()
        response = self.get_response(request)
        self.metrics.responses_total.inc()
        self.metrics.requests_latency_before.observe(default_timer() - started)
        return response


class AfterMiddleware:
    """Last in MIDDLEWARE: requests by method, transport and view, responses by status, view, charset and size,
    the latency by view, and the exceptions a view raised."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics = Metrics.get_instance()

    def __call__(self, request):
        metrics, method = self.metrics, _method(request)
        series(metrics.requests_by_method, method).inc()
        series(metrics.requests_by_transport, _transport(request)).inc()
        if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            metrics.requests_ajax.inc()
        metrics.requests_body_bytes.observe(int(request.META.get("CONTENT_LENGTH") or 0))
        request.prometheus_after_middleware_event = default_timer()

        response = self.get_response(request)
        view, status = _view(request), str(response.status_code)
        series(metrics.responses_by_status, status).inc()
        series(metrics.responses_by_status_view_method, status, view, method).inc()
        series(metrics.responses_by_charset, str(response.charset)).inc()
        if response.streaming:
            metrics.responses_streaming.inc()
        else:
            metrics.responses_body_bytes.observe(len(response.content))
        self._observe_latency(request, view)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        series(
            self.metrics.requests_by_view_transport_method, _view(request), _transport(request), _method(request)
        ).inc()

    def process_template_response(self, request, response):
        series(self.metrics.responses_by_templatename, str(response.template_name)).inc()
        return response

    def process_exception(self, request, exception):
        view = _view(request)
        series(self.metrics.exceptions_by_type, type(exception).__name__).inc()
        series(self.metrics.exceptions_by_view, view).inc()
        # django-prometheus observes the latency here and again for the error response; so do these.
        self._observe_latency(request, view)

    def _observe_latency(self, request, view: str) -> None:
        # By the method as sent, as django-prometheus labels this one.
        elapsed = default_timer() - request.prometheus_after_middleware_event
        series(self.metrics.requests_latency_by_view_method, view, request.method).observe(elapsed)
