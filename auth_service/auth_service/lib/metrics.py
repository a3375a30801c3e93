"""The auth service's own Prometheus metrics (lib/http_metrics.py counts requests, django-prometheus queries)."""

from prometheus_client import Counter

tokens_issued = Counter("auth_tokens_issued_total", "Token pairs issued, by grant", ["grant"])
refresh_failures = Counter("auth_refresh_failures_total", "Refreshes refused, by reason", ["reason"])
sessions_ended = Counter("auth_sessions_ended_total", "Sessions ended, by reason", ["reason"])
login_attempts = Counter("auth_login_attempts_total", "Login attempts, by outcome", ["outcome"])
mfa_challenges = Counter("auth_mfa_challenges_total", "Logins that asked for a second factor")
mfa_failures = Counter("auth_mfa_failures_total", "Second factors refused, by method", ["method"])
rate_limited = Counter("auth_rate_limited_total", "Requests refused by a per-address limit, by scope", ["scope"])
revocation_store_errors = Counter(
    "auth_revocation_store_errors_total", "Writes or reads of access-token revocations that could not reach Redis"
)
