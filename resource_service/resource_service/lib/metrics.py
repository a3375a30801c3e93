"""The resource service's own Prometheus metrics (lib/http_metrics.py counts requests, django-prometheus queries)."""

from prometheus_client import Counter

token_rejections = Counter("resource_token_rejections_total", "Bearer tokens refused, by reason", ["reason"])
revocation_store_errors = Counter(
    "resource_revocation_store_errors_total", "Revocation checks that could not reach Redis"
)
token_cache = Counter("resource_token_cache_total", "Bearer tokens found verified already, or verified", ["result"])
