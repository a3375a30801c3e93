"""Per-address limits (DRF's scoped throttle), counted in metrics when they refuse a request."""

from rest_framework.throttling import ScopedRateThrottle

from auth_service.lib import metrics


class AddressRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate per client address; the address is the one the gateway saw (NUM_PROXIES)."""

    def throttle_failure(self) -> bool:
        metrics.rate_limited.labels(self.scope).inc()
        return super().throttle_failure()
