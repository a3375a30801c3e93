"""Account endpoints: register, verify the address, read/edit/delete one's account, and change or reset the
password."""

from typing import cast

from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auth_service.accounts import services
from auth_service.accounts.models import User
from auth_service.accounts.serializers import (
    CodeSerializer,
    EmailSerializer,
    LinkSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordSerializer,
    RecoveryCodesSerializer,
    RegisterSerializer,
    TOTPEnrolmentSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from auth_service.lib.throttling import AddressRateThrottle

USER_EXAMPLE = {
    "application/json": {
        "id": "5f1d7c8e-3b7a-4c55-9a36-2f7f0f3f4d11",
        "email": "alice@example.com",
        "display_name": "Alice",
        "date_joined": "2026-01-01T12:00:00Z",
    }
}


class RegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "register"

    @swagger_auto_schema(
        request_body=RegisterSerializer,
        responses={
            201: openapi.Response("The new account", UserSerializer, examples=USER_EXAMPLE),
            400: "Invalid or taken email, or a weak password",
            429: "Too many registrations from the address",
        },
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    @swagger_auto_schema(responses={200: openapi.Response("The caller", UserSerializer, examples=USER_EXAMPLE)})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @swagger_auto_schema(request_body=UserUpdateSerializer, responses={200: UserSerializer})
    def patch(self, request: Request) -> Response:
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=cast(User, request.user), **serializer.validated_data)
        return Response(UserSerializer(user).data)

    @swagger_auto_schema(
        request_body=PasswordSerializer,
        responses={204: "Deactivated; tokens revoked; the user's projects are deleted shortly", 400: "Wrong password"},
    )
    def delete(self, request: Request) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_delete(user=cast(User, request.user), password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    @swagger_auto_schema(
        request_body=PasswordChangeSerializer,
        responses={204: "Changed; every other login is revoked", 400: "Wrong old password or weak new one"},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(
            user=cast(User, request.user), **serializer.validated_data, keep_family_id=cast(dict, request.auth)["sid"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "password_reset"

    @swagger_auto_schema(
        request_body=EmailSerializer,
        responses={202: "Always: an email is sent if an active account has this address", 429: "Too many requests"},
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an account has this address, a reset email is on its way."}, status=status.HTTP_202_ACCEPTED
        )


class PasswordResetConfirmView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @swagger_auto_schema(
        request_body=PasswordResetConfirmSerializer,
        responses={204: "Changed; every login is revoked", 400: "Bad, used or expired link, or weak password"},
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @swagger_auto_schema(
        request_body=LinkSerializer,
        responses={204: "The address is verified", 400: "Bad, used, replaced or expired link"},
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verify(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyResendView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "password_reset"

    @swagger_auto_schema(
        request_body=EmailSerializer,
        responses={
            202: "Always: a new link is mailed if an active account has this address and it is not verified",
            429: "Too many requests",
        },
        security=[],
    )
    def post(self, request: Request) -> Response:
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verification_resend(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an unverified account has this address, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


REAUTH = "403 `reauthentication_required`: the session's login is older than REAUTH_MAX_AGE"


def _recent_login(request: Request) -> User:
    services.recent_login_check(auth_time=cast(dict, request.auth).get("auth_time"))
    return cast(User, request.user)


class TOTPView(APIView):
    @swagger_auto_schema(
        request_body=None,
        responses={
            201: openapi.Response("A new secret: TOTP is on once a code of it is confirmed", TOTPEnrolmentSerializer),
            403: REAUTH,
            409: "TOTP is already on",
        },
    )
    def post(self, request: Request) -> Response:
        enrolment = services.totp_enrol(user=_recent_login(request))
        return Response(enrolment, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @swagger_auto_schema(
        request_body=PasswordSerializer,
        responses={204: "TOTP is off, the recovery codes void", 400: "Wrong password", 403: REAUTH},
    )
    def delete(self, request: Request) -> Response:
        user = _recent_login(request)
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.totp_disable(user=user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class TOTPConfirmView(APIView):
    @swagger_auto_schema(
        request_body=CodeSerializer,
        responses={
            200: openapi.Response("TOTP is on; ten recovery codes, shown this once", RecoveryCodesSerializer),
            400: "Wrong code",
            403: REAUTH,
            409: "No enrolment started, or TOTP is already on",
        },
    )
    def post(self, request: Request) -> Response:
        user = _recent_login(request)
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = services.totp_confirm(user=user, code=serializer.validated_data["code"])
        return Response({"recovery_codes": codes})


class RecoveryCodesView(APIView):
    @swagger_auto_schema(
        request_body=PasswordSerializer,
        responses={
            200: openapi.Response("A new set of recovery codes; the old ones are void", RecoveryCodesSerializer),
            400: "Wrong password",
            403: REAUTH,
            409: "TOTP is not on",
        },
    )
    def post(self, request: Request) -> Response:
        user = _recent_login(request)
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = services.recovery_codes_regenerate(user=user, password=serializer.validated_data["password"])
        return Response({"recovery_codes": codes})
