"""Token endpoints: log in, refresh, log out, the sessions, the public key set and the discovery metadata."""

import hashlib
from collections.abc import Mapping
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auth_service.accounts.models import User
from auth_service.lib.parsers import JSONParser
from auth_service.lib.throttling import AddressRateThrottle
from auth_service.lib.views import read_only
from auth_service.tokens import discovery, keys, oauth, selectors, services
from auth_service.tokens.serializers import (
    LoginSerializer,
    MFALoginSerializer,
    RefreshSerializer,
    SessionSerializer,
    TokenPairSerializer,
)

PAIR_EXAMPLE = {
    "application/json": {
        "access": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ii4uLiJ9.eyJ...",
        "refresh": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ii4uLiJ9.eyJ...",
        "token_type": "Bearer",
        "expires_in": 300,
    }
}


def _client(request: Request) -> dict:
    return {
        "client_ip": AddressRateThrottle().get_ident(request),
        "user_agent": request.headers.get("User-Agent", ""),
    }


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "login"

    @swagger_auto_schema(
        request_body=LoginSerializer,
        responses={
            200: openapi.Response("A token pair", TokenPairSerializer, examples=PAIR_EXAMPLE),
            401: "Unknown email, wrong password or inactive account (one answer for all three); or, for the right "
            'password of an account with a second factor, `{"code": "mfa_required", "mfa_token": ...}`',
            403: "The right password of an unverified address while verification is mandatory",
            429: "Too many attempts for the account or from the address; see Retry-After",
        },
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = services.login(**serializer.validated_data, **_client(request))
        except services.MFARequired as required:
            body = {"detail": "A second factor is required.", "code": "mfa_required", "mfa_token": required.mfa_token}
            return _no_store(Response(body, status=status.HTTP_401_UNAUTHORIZED))
        return _no_store(Response(pair))

    def throttled(self, request, wait):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        services.login_throttled(email=str(email or "")[:254], **_client(request))
        super().throttled(request, wait)


class MFALoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "login"

    @swagger_auto_schema(
        request_body=MFALoginSerializer,
        responses={
            200: openapi.Response("A token pair", TokenPairSerializer, examples=PAIR_EXAMPLE),
            401: "Wrong code, or an invalid, used or expired mfa_token",
            429: "Too many attempts for the account or from the address; see Retry-After",
        },
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = MFALoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _no_store(Response(services.login_second_factor(**serializer.validated_data)))


class RefreshView(APIView):
    """The refresh, and the token endpoint of the discovery metadata: the contract's JSON body, or RFC 6749's
    form-encoded refresh grant (tokens/oauth.py)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @swagger_auto_schema(
        request_body=RefreshSerializer,
        responses={
            200: openapi.Response("A new token pair; the refresh token sent is retired", TokenPairSerializer),
            401: "Forged, expired, retired or revoked refresh token (a retired one revokes its whole login)",
        },
        operation_description=(
            "A form-encoded body is RFC 6749's refresh grant (`grant_type=refresh_token&refresh_token=...`): "
            "its answer is `{access_token, token_type, expires_in, refresh_token}`, its errors a 400 "
            "`{error, error_description}`."
        ),
        security=[],
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.data, QueryDict):
            return _no_store(oauth.refresh_grant(request.data))
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _no_store(Response(services.token_refresh(raw=serializer.validated_data["refresh"])))


class LogoutView(APIView):
    """The logout, and the revocation endpoint of the discovery metadata: the contract's JSON body, or RFC 7009's
    form-encoded revocation request (tokens/oauth.py)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @swagger_auto_schema(
        request_body=RefreshSerializer,
        responses={204: "The login of this refresh token is revoked (again, if it was)", 401: "Forged token"},
        operation_description=(
            "A form-encoded body is RFC 7009's revocation request (`token=...`, a refresh or an access token): the "
            "token's session ends, and the answer is a 200 whether there was one or not."
        ),
        security=[],
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.data, QueryDict):
            return oauth.revocation(request.data)
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.logout(raw=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @swagger_auto_schema(request_body=None, responses={204: "Every login of the user is revoked"})
    def post(self, request: Request) -> Response:
        services.user_sessions_revoke(user=cast(User, request.user), reason="logout_all")
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionListView(APIView):
    @swagger_auto_schema(responses={200: SessionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        sessions = selectors.live_sessions(user=cast(User, request.user))
        context = {"current_session": cast(dict, request.auth)["sid"]}
        return Response(SessionSerializer(sessions, many=True, context=context).data)


class SessionDetailView(APIView):
    @swagger_auto_schema(responses={204: "The session is ended, its access tokens too", 404: "No such session"})
    def delete(self, request: Request, session_id) -> Response:
        try:
            services.session_end(user=cast(User, request.user), session_id=session_id)
        except services.SessionNotFound as exc:
            raise Http404 from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


def _cacheable(request: HttpRequest, document: Mapping[str, object]) -> HttpResponse:
    """The document, cacheable for five minutes and with an ETag: a 304 when the client has it already."""
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


@read_only
def jwks(request: HttpRequest) -> HttpResponse:
    return _cacheable(request, keys.jwks())


@read_only
def metadata(request: HttpRequest) -> HttpResponse:
    """OpenID Connect Discovery and RFC 8414 metadata: one document at both well-known names."""
    return _cacheable(request, discovery.metadata())
