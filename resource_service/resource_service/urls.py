from django.contrib import admin
from django.urls import include, path
from django_prometheus.exports import ExportToDjangoView
from drf_yasg import openapi
from drf_yasg.views import get_schema_view
from rest_framework.permissions import AllowAny

from resource_service.exports import urls as exports
from resource_service.lib import health
from resource_service.lib.views import read_only
from resource_service.projects import urls as projects

schema_view = get_schema_view(
    openapi.Info(
        title="Resource service API",
        default_version="v1",
        description="Projects and tasks. Get an access token from POST /auth/token/, then Authorize with "
        "`Bearer <access token>`.",
    ),
    public=True,
    permission_classes=[AllowAny],
    authentication_classes=[],
)

urlpatterns = [
    # Scraped on the service port; the gateway routes only /auth/ and /api/, so it is never public.
    path("metrics", read_only(ExportToDjangoView), name="metrics"),
    path("api/", include(projects)),
    path("api/", include(exports)),
    path("api/healthz", health.healthz, name="healthz"),
    path("api/readyz", health.readyz, name="readyz"),
    path("api/docs/", read_only(schema_view.with_ui("swagger", cache_timeout=0)), name="docs"),
    path("api/redoc/", read_only(schema_view.with_ui("redoc", cache_timeout=0)), name="redoc"),
    path("api/swagger.json", read_only(schema_view.without_ui(cache_timeout=0)), {"format": "json"}, name="schema"),
    path("api/admin/", admin.site.urls),
]

handler400 = "resource_service.lib.errors.bad_request"
handler403 = "resource_service.lib.errors.permission_denied"
handler404 = "resource_service.lib.errors.not_found"
handler500 = "resource_service.lib.errors.server_error"
