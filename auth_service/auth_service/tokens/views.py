"""Token endpoints: log in, refresh, and the public key set."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from drf_yasg.utils import swagger_auto_schema
from rest_framework_simplejwt import views as jwt_views

from auth_service.tokens import keys
from auth_service.tokens.serializers import LoginSerializer, RefreshSerializer, TokenPairSerializer

_UNAUTHORIZED = {401: "Wrong credentials, or an invalid, expired or retired token"}


class LoginView(jwt_views.TokenObtainPairView):
    serializer_class = LoginSerializer

    @swagger_auto_schema(responses={200: TokenPairSerializer, **_UNAUTHORIZED}, security=[])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class RefreshView(jwt_views.TokenRefreshView):
    serializer_class = RefreshSerializer

    @swagger_auto_schema(responses={200: TokenPairSerializer, **_UNAUTHORIZED}, security=[])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
