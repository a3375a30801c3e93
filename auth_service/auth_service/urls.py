from django.contrib import admin
from django.urls import path
from django_prometheus.exports import ExportToDjangoView
from drf_yasg import openapi
from drf_yasg.views import get_schema_view
from rest_framework.permissions import AllowAny

from auth_service.accounts import views as accounts
from auth_service.lib import health
from auth_service.lib.views import read_only
from auth_service.tokens import views as tokens

schema_view = get_schema_view(
    openapi.Info(
        title="Auth service API",
        default_version="v1",
        description="Accounts and RS256 tokens. Log in with POST /auth/token/, then Authorize with "
        "`Bearer <access token>`.",
    ),
    public=True,
    permission_classes=[AllowAny],
    authentication_classes=[],
)

urlpatterns = [
    # Scraped on the service port; the gateway routes only /auth/ and /api/, so it is never public.
    path("metrics", read_only(ExportToDjangoView), name="metrics"),
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/me/", accounts.MeView.as_view(), name="me"),
    path("auth/password/change/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("auth/mfa/totp/", accounts.TOTPView.as_view(), name="totp"),
    path("auth/mfa/totp/confirm/", accounts.TOTPConfirmView.as_view(), name="totp-confirm"),
    path("auth/mfa/recovery-codes/", accounts.RecoveryCodesView.as_view(), name="recovery-codes"),
    path("auth/email/verify/", accounts.EmailVerifyView.as_view(), name="email-verify"),
    path("auth/email/verify/resend/", accounts.EmailVerifyResendView.as_view(), name="email-verify-resend"),
    path("auth/password/reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("auth/password/reset/confirm/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("auth/token/", tokens.LoginView.as_view(), name="token"),
    path("auth/token/mfa/", tokens.MFALoginView.as_view(), name="token-mfa"),
    path("auth/token/refresh/", tokens.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", tokens.LogoutAllView.as_view(), name="logout-all"),
    path("auth/sessions/", tokens.SessionListView.as_view(), name="sessions"),
    path("auth/sessions/<uuid:session_id>/", tokens.SessionDetailView.as_view(), name="session"),
    path("auth/.well-known/jwks.json", tokens.jwks, name="jwks"),
    path("auth/.well-known/openid-configuration", tokens.metadata, name="openid-configuration"),
    path("auth/.well-known/oauth-authorization-server", tokens.metadata, name="oauth-authorization-server"),
    path("auth/healthz", health.healthz, name="healthz"),
    path("auth/readyz", health.readyz, name="readyz"),
    path("auth/docs/", read_only(schema_view.with_ui("swagger", cache_timeout=0)), name="docs"),
    path("auth/redoc/", read_only(schema_view.with_ui("redoc", cache_timeout=0)), name="redoc"),
    path("auth/swagger.json", read_only(schema_view.without_ui(cache_timeout=0)), {"format": "json"}, name="schema"),
    path("auth/admin/", admin.site.urls),
]

handler400 = "auth_service.lib.errors.bad_request"
handler403 = "auth_service.lib.errors.permission_denied"
handler404 = "auth_service.lib.errors.not_found"
handler500 = "auth_service.lib.errors.server_error"
